// Runs cdk-nag's AwsSolutions pack on a CloudFormation template, brought into a CDK app with
// CfnInclude (so its Metadata, including cdk_nag.rules_to_suppress, is kept). Prints one line per
// non-compliant finding and a summary; exits 1 when there is any non-compliant finding.
// Usage: NODE_PATH=<dir with aws-cdk-lib, cdk-nag, constructs> node cdk_nag_scan.js TEMPLATE.json
const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks } = require('cdk-nag');

const template = process.argv[2];
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
const app = new cdk.App({ outdir });
const stack = new cdk.Stack(app, 'Scanned');
new CfnInclude(stack, 'Template', { templateFile: template });
cdk.Aspects.of(app).add(new AwsSolutionsChecks({ reports: true, verbose: false }));
app.synth();
const report = fs.readdirSync(outdir).find((f) => f.endsWith('NagReport.csv'));
const rows = fs.readFileSync(path.join(outdir, report), 'utf8').trim().split('\n').slice(1);
let failed = 0;
let suppressed = 0;
for (const row of rows) {
  const cols = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
  const [rule, resource, compliance] = cols;
  if (compliance === 'Non-Compliant') {
    failed += 1;
    console.log(`FAIL ${rule} ${resource}`);
  } else if (compliance === 'Suppressed') {
    suppressed += 1;
    console.log(`suppressed ${rule} ${resource}`);
  }
}
console.log(`cdk-nag AwsSolutions: ${failed} non-compliant, ${suppressed} suppressed (${template})`);
process.exit(failed > 0 ? 1 : 0);
