//! Code generic over the model can move an agent to another thread and share one across
//! threads: `Agent<T, S, ..>` is `Send` and `Sync` for every `Spec`.

use actinf::config::Config;
use actinf::{Agent, Model, Spec};

fn spawn<S: Spec>(a: Agent<f32, S, 1, 2>) -> std::thread::JoinHandle<Agent<f32, S, 1, 2>> {
    std::thread::spawn(move || a)
}

fn share<S: Spec>(a: &Agent<f64, S, 1, 2, 3>) {
    std::thread::scope(|s| {
        s.spawn(|| a.initial_prior());
    });
}

actinf::model! {
    pub Light {
        factors { Lamp: 2 controlled_by 2 }
        modalities { Sensor: 2 depends_on [Lamp] }
    }
}

fn main() {
    let a = Agent::<f32, Light, 1, 2>::new(Model::uniform(), Config::default()).unwrap();
    let a = spawn(a).join().unwrap();
    assert_eq!(a.model(0).d().factor(0), &[0.5, 0.5]);
    let b = Agent::<f64, Light, 1, 2, 3>::new(Model::uniform(), Config::default()).unwrap();
    share(&b);
}
