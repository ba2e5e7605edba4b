// AssumeRolePolicyDocument is required by AWS::IAM::Role.
use rcdk::l1::iam::CfnRole;

fn main() {
    let _ = CfnRole::new().role_name("my-role");
}
