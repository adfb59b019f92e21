#!/bin/sh
# Instructions per call of the agent on a bench model, counted by callgrind (repeatable on
# shared machines, where timings drift). Build first:
#   cargo build --release -p actinf-benches --bin calls
# Usage: benches/icount.sh <model> <infer_states|infer_policies|step> <f32|f64>
set -eu
bin="$(dirname "$0")/../target/release/calls"
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$3" "$4" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
# The difference of two runs removes the set-up (loading the model, building the agent).
a=$(count "$1" "$2" "$3" 20)
b=$(count "$1" "$2" "$3" 220)
echo "$1 $2 $3: $(( (b - a) / 200 )) instructions per call"
