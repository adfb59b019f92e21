// `Obj` is driven by two control factors (3 × 2): its `B` takes two trailing action axes
// `[[f64; 2]; 3]`, not pymdp's flattened axis of 6.
actinf::model! {
    pub Arm {
        controls { Move: 3, Grip: 2 }
        factors { Place: 3 controlled_by [Move], Obj: 2 controlled_by [Move, Grip] }
        modalities { Seen: 3 depends_on [Place] }
    }
}

fn main() {
    let place = [[[1.0 / 3.0; 3]; 3]; 3];
    let obj = [[[0.5; 6]; 2]; 2];
    let _ = actinf::Model::<f64, Arm>::uniform().with_b(&actinf::list![place, obj]);
}
