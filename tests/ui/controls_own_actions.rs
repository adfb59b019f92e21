// With a `controls` section, a factor may not have actions of its own (`controlled_by 4`):
// every action must come from the declared control factors (pymdp B_action_dependencies).
actinf::model! {
    pub Arm {
        controls { Move: 3 }
        factors { Place: 3 controlled_by [Move], Obj: 2 controlled_by 4 }
        modalities { Seen: 3 depends_on [Place] }
    }
}

fn main() {
    let _ = actinf::spec::factors::<Arm>();
}
