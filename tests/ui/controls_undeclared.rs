// `Obj` is `controlled_by [Move, Grip]`, but the model's `controls` only declares `Move`.
actinf::model! {
    pub Arm {
        controls { Move: 3 }
        factors { Place: 3 controlled_by [Move], Obj: 2 controlled_by [Move, Grip] }
        modalities { Seen: 3 depends_on [Place] }
    }
}

fn main() {}
