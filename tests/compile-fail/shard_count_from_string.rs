// ShardCount is an integer: "24" (which cfn-lint lets through) does not compile.
use rcdk::l1::kinesis::CfnStream;

fn main() {
    let _ = CfnStream::new().shard_count("24");
}
