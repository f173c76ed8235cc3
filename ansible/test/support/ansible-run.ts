import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ansibleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface AnsibleResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The environment every check runs Ansible with: this project's config and roles, nothing from ~/.ansible. */
export function ansibleEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_CONFIG: join(ansibleDir, 'ansible.cfg'),
    ANSIBLE_ROLES_PATH: join(ansibleDir, 'roles'),
    ANSIBLE_NOCOLOR: '1',
    // One `docker exec` per task instead of several: the connection plugin supports it.
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_FORCE_COLOR: '0',
    ...extra,
  };
}

/** Runs an Ansible tool with an argument array and returns its exit code instead of throwing on failure. */
export function runAnsibleTool(
  tool: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = ansibleEnv(),
  timeoutMs = 280_000,
): Promise<AnsibleResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      tool,
      args,
      { cwd: ansibleDir, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(
            new Error(
              `${tool} could not run (is it installed? apt-get install ansible ansible-lint yamllint): ${error.message}`,
            ),
          );
          return;
        }
        resolvePromise({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

interface TaskResult {
  changed?: boolean;
  skipped?: boolean;
  failed?: boolean;
  msg?: string;
  /** Per-item results of a loop. */
  results?: TaskResult[];
}

/** What the ansible.posix.json callback prints, reduced to what the checks read. */
export interface PlaybookReport {
  plays: {
    tasks: {
      task: { name: string };
      hosts: Record<string, TaskResult>;
    }[];
  }[];
  stats: Record<
    string,
    { changed: number; failures: number; ok: number; skipped: number; unreachable: number }
  >;
}

export interface PlaybookRun extends AnsibleResult {
  report: PlaybookReport;
}

export async function runPlaybook(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<PlaybookRun> {
  const result = await runAnsibleTool(
    'ansible-playbook',
    args,
    ansibleEnv({ ANSIBLE_STDOUT_CALLBACK: 'ansible.posix.json', ...extraEnv }),
  );
  const start = result.stdout.indexOf('{');
  if (start < 0) {
    throw new Error(
      `ansible-playbook printed no JSON report (exit ${result.exitCode}): ${result.stderr.slice(-2000)}`,
    );
  }
  return { ...result, report: JSON.parse(result.stdout.slice(start)) as PlaybookReport };
}

/** Per-task outcome for one host, keyed by task name (the last occurrence wins). */
export function taskOutcomes(
  report: PlaybookReport,
  host: string,
): Map<string, 'changed' | 'ok' | 'skipped' | 'failed'> {
  const outcomes = new Map<string, 'changed' | 'ok' | 'skipped' | 'failed'>();
  for (const play of report.plays) {
    for (const task of play.tasks) {
      const result = task.hosts[host];
      if (!result) continue;
      const outcome = result.failed
        ? 'failed'
        : result.skipped
          ? 'skipped'
          : result.changed
            ? 'changed'
            : 'ok';
      outcomes.set(task.task.name, outcome);
    }
  }
  return outcomes;
}

/** Messages of the tasks that failed on a host: what a failing check prints to say why. */
export function failureMessages(report: PlaybookReport, host: string): string[] {
  return report.plays.flatMap((play) =>
    play.tasks.flatMap((task) => {
      const result = task.hosts[host];
      if (!result?.failed) return [];
      const itemMessages = (result.results ?? []).filter((item) => item.failed).map((item) => item.msg ?? '');
      const messages =
        itemMessages.length > 0 ? itemMessages : [result.msg ?? JSON.stringify(result).slice(0, 500)];
      return messages.map((message) => `${task.task.name}: ${message}`);
    }),
  );
}
