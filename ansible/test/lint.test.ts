import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ansibleDir, runAnsibleTool } from './support/ansible-run.js';

// yamllint, ansible-lint and ansible-playbook run as the real programs (Debian packages ansible,
// ansible-lint, yamllint) on everything under ansible/.
const playbooks = [
  'site.yml',
  'preflight.yml',
  'reset.yml',
  ...readdirSync(join(ansibleDir, 'test', 'playbooks')).map((file) => `test/playbooks/${file}`),
];

describe('ansible/ static checks', () => {
  it('yamllint is clean with ansible/.yamllint', async () => {
    const result = await runAnsibleTool('yamllint', ['--strict', '--config-file', '.yamllint', '.']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  }, 60_000);

  it('yamllint with that config does reject a bad file (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yamllint-'));
    try {
      writeFileSync(join(dir, 'bad.yml'), '---\nenabled: yes\nmode: 0644\n');
      const result = await runAnsibleTool('yamllint', ['--config-file', join(ansibleDir, '.yamllint'), dir]);
      expect(result.exitCode).not.toBe(0);
      expect(result.stdout).toContain('truthy value should be one of');
      expect(result.stdout).toContain('forbidden implicit octal value');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('ansible-lint passes with the production profile', async () => {
    const result = await runAnsibleTool('ansible-lint', ['--profile', 'production', '--nocolor']);
    const output = result.stdout + result.stderr;
    expect(output, output).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
    expect(result.exitCode).toBe(0);
  }, 180_000);

  it.each(playbooks)(
    'ansible-playbook --syntax-check %s',
    async (playbook) => {
      const result = await runAnsibleTool('ansible-playbook', [
        '--inventory',
        'inventory/example.yml',
        '--syntax-check',
        playbook,
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain(`playbook: ${playbook}`);
    },
    60_000,
  );
});
