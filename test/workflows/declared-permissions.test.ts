import { describe, expect, it } from 'vitest';
import { checkDeclaredPermissions } from './rules/declared-permissions.js';
import { workflowSnippet } from './snippets.js';
import { parseActionsFile } from './steps.js';

const job = (permissions = '') =>
  `  build:\n    runs-on: ubuntu-24.04\n${permissions}    steps:\n      - run: "true"\n`;
const check = (jobs: string, header: string) =>
  checkDeclaredPermissions(parseActionsFile(workflowSnippet(jobs, header)));

describe('checkDeclaredPermissions()', () => {
  it('rejects a job whose token gets the repository default', () => {
    expect(check(job(), 'on: push\n')).toMatchObject([
      { where: 'jobs.build', message: expect.stringContaining('repository default') },
    ]);
  });

  it('rejects write scopes granted to the whole workflow, and write-all', () => {
    expect(check(job(), 'on: push\npermissions:\n  contents: write\n')).toMatchObject([
      { where: 'permissions' },
    ]);
    expect(check(job(), 'on: push\npermissions: write-all\n')).toMatchObject([{ where: 'permissions' }]);
    expect(check(job('    permissions: write-all\n'), 'on: push\n')).toMatchObject([
      { where: 'jobs.build.permissions' },
    ]);
  });

  it('accepts read at the workflow level with writes on the job that needs them', () => {
    expect(
      check(job('    permissions:\n      id-token: write\n'), 'on: push\npermissions:\n  contents: read\n'),
    ).toEqual([]);
    expect(check(job('    permissions:\n      contents: read\n'), 'on: push\n')).toEqual([]);
    expect(check(job(), 'on: push\npermissions: {}\n')).toEqual([]);
  });
});
