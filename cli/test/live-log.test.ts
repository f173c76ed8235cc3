import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutputLine } from '../../runner/src/run-bundle.js';
import { LiveLog, liveStepPrinter, printLog } from '../src/live-log.js';

/** A LiveLog on a clock the test moves. */
function view(options: { verbose?: boolean; masks?: string[] } = {}) {
  let now = 1_000_000;
  const log = new LiveLog({ ...options, now: () => now, quietMs: 5000 });
  return {
    log,
    push: (...lines: string[]) => lines.flatMap((line) => log.push(line)),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('LiveLog, brief (the default)', () => {
  it('prints what the step says outside groups, and a group as its title', () => {
    const { push } = view();
    expect(push('Resolving the target', '::group::Build and push', '::endgroup::', 'done')).toEqual([
      '  │ Resolving the target',
      '  │ Build and push…',
      '  │ done',
    ]);
  });

  it('shows a group’s first line at once and then at most one line per interval: the latest', () => {
    const { push, advance, log } = view();
    expect(push('::group::Watch the rollout of deployment/web in dev', 'web: 0/1 updated')).toEqual([
      '  │ Watch the rollout of deployment/web in dev…',
      '  │   web: 0/1 updated',
    ]);
    advance(1000);
    expect(push('web: 1/1 updated, 0 ready', 'web: new pod web-7d9 not ready for 1 s')).toEqual([]);
    expect(log.nextDue()).toBe(1_000_000 + 5000);
    advance(4000);
    // Its time has come without a new line: a timer prints it, with the count of those left out.
    expect(log.due()).toEqual([
      '  │   … 1 line left out (--verbose prints every line)',
      '  │   web: new pod web-7d9 not ready for 1 s',
    ]);
    expect(log.due()).toEqual([]);
    advance(6000);
    expect(push('web: new pod web-7d9 not ready for 11 s')).toEqual([
      '  │   web: new pod web-7d9 not ready for 11 s',
    ]);
  });

  it('prints what a group still holds when it ends, and when the step ends inside a group', () => {
    const { push, log } = view();
    const lines = push('::group::Build and push', '#1 load build definition', '#2 ...', '#9 pushed');
    expect(lines).toEqual(['  │ Build and push…', '  │   #1 load build definition']);
    expect(push('::endgroup::')).toEqual([
      '  │   … 1 line left out (--verbose prints every line)',
      '  │   #9 pushed',
    ]);
    push('::group::Connect', 'ssh: connecting', 'ssh: host key accepted');
    expect(log.end()).toEqual(['  │   ssh: host key accepted']);
  });

  it('prints warnings, errors and notices wherever they are, with their location, after what came before', () => {
    const { push } = view();
    expect(
      push(
        '::group::Scan',
        'scanning',
        'still scanning',
        '::warning file=src/app.ts,line=3,col=7::deprecated call%0Aused twice',
        '::error title=Gate::2 critical vulnerabilities',
        '::notice::report written',
      ),
    ).toEqual([
      '  │ Scan…',
      '  │   scanning',
      '  │   still scanning',
      '  │   warning: deprecated call (src/app.ts:3:7)',
      '  │            used twice',
      '  │   error: Gate: 2 critical vulnerabilities',
      '  │   notice: report written',
    ]);
  });

  it('never prints a workflow command as it is: debug lines and the runner’s own commands are left out', () => {
    const { push } = view();
    const lines = push(
      '::debug::GET /apis/apps/v1/deployments/web',
      '::add-mask::hunter2',
      '::set-output name=x::1',
      '::save-state name=y::2',
      '::echo::on',
      '',
      'plain line',
    );
    expect(lines).toEqual(['  │ plain line']);
  });

  it('prints lines after ::stop-commands:: as text until its token', () => {
    const { push } = view();
    expect(push('::stop-commands::pause-1', '::warning::quoted', '::pause-1::', '::warning::real')).toEqual([
      '  │ ::warning::quoted',
      '  │ warning: real',
    ]);
  });
});

describe('LiveLog masks', () => {
  it('masks a value from its ::add-mask:: on, in text and in command messages, also when escaped there', () => {
    const { push } = view();
    expect(
      push(
        '::add-mask::s3cret:%25x',
        'password is s3cret:%x',
        '::warning::login with s3cret:%25x failed',
        '::error::s3cret:%25x',
      ),
    ).toEqual(['  │ password is ***', '  │ warning: login with *** failed', '  │ error: ***']);
  });

  it('masks the values it is given (secret inputs) and each line of a multi-line one', () => {
    const key = '-----BEGIN KEY-----\nAAAAB3NzaC1yc2E\n-----END KEY-----';
    const { push } = view({ masks: ['registry-pass', key] });
    expect(push('login registry-pass', 'AAAAB3NzaC1yc2E', '::debug::x')).toEqual([
      '  │ login ***',
      '  │ ***',
    ]);
  });
});

describe('LiveLog, --verbose', () => {
  it('prints every line, group contents and debug lines, without the raw commands', () => {
    const { push } = view({ verbose: true });
    expect(
      push(
        '::group::Connect',
        'ssh: connecting',
        'ssh: connected',
        '::debug::kex done',
        '::endgroup::',
        'ok',
      ),
    ).toEqual([
      '  │ Connect…',
      '  │   ssh: connecting',
      '  │   ssh: connected',
      '  │   debug: kex done',
      '  │ ok',
    ]);
  });
});

describe('printLog', () => {
  it('prints a whole log (a pipeline step’s) as the live view would have', () => {
    let printed = '';
    const log = ['::group::Build and push', '#1', '#2', '#3', '::endgroup::', '::add-mask::pw', 'said pw'];
    printLog({ write: (text: string) => (printed += text) }, log.join('\n'));
    expect(printed).toBe(
      [
        '  │ Build and push…',
        '  │   #1',
        '  │   … 1 line left out (--verbose prints every line)',
        '  │   #3',
        '  │ said ***',
        '',
      ].join('\n'),
    );
  });
});

describe('liveStepPrinter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes as lines come, a held line when its time comes, and announces post', () => {
    vi.useFakeTimers({ now: 0 });
    let printed = '';
    const printer = liveStepPrinter({ write: (text: string) => (printed += text) }, 'ssh-set-image', {
      now: Date.now,
      quietMs: 5000,
    });
    const line = (text: string, step: OutputLine['step'] = 'main'): OutputLine => ({
      step,
      stream: 'stdout',
      text,
    });
    printer.onOutput(line('::add-mask::pw'));
    printer.onOutput(line('::group::Connect'));
    printer.onOutput(line('first'));
    printer.onOutput(line('second'));
    expect(printed).toBe('  │ Connect…\n  │   first\n');
    vi.advanceTimersByTime(5000);
    expect(printed).toBe('  │ Connect…\n  │   first\n  │   second\n');
    printer.onOutput(line('logout pw', 'post'));
    printer.end();
    expect(printed).toBe('  │ Connect…\n  │   first\n  │   second\n▶ post ssh-set-image\n  │ logout ***\n');
  });
});
