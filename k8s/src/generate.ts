// `npm run k8s:golden`: writes every generated file under k8s/ (the PrometheusRule, the dashboard, the
// golden renders). Review the diff, then commit; k8s/test/golden.test.ts fails while they are stale.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATED_FILES } from './golden-targets.js';
import { k8sRoot } from './paths.js';

for (const file of GENERATED_FILES) {
  await writeFile(join(k8sRoot, file.path), await file.produce());
  console.log(`wrote k8s/${file.path}`);
}
