import { readdir, readFile } from 'node:fs/promises';
import puppeteer, { type Browser } from 'puppeteer-core';

/** The flags every Chromium we start runs with (headless is added by Puppeteer). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  // Defence in depth behind request interception: any fetch that slipped past it goes to
  // a dead proxy, loopback included (the `<-loopback>` rule drops the implicit bypass).
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
  // Glyph metrics independent of the host's hinting settings: the same layout everywhere.
  '--font-render-hinting=none',
  // One renderer per page, frames included. With out-of-process iframes, aborting an
  // iframe's request next to a data: iframe crashes Chromium 156's browser process; a
  // static, script-free document gains nothing from isolating its frames.
  '--disable-site-isolation-trials',
  '--disable-features=IsolateOrigins,site-per-process',
];

/**
 * Chromium's environment: none of ours (it renders customer input and must not hold our
 * secrets), and HOME/XDG dirs inside its user-data-dir, so everything it writes (the
 * crash-report database among them) goes where it is deleted with the browser.
 */
export function chromiumEnv(userDataDir: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: userDataDir,
    XDG_CONFIG_HOME: `${userDataDir}/.config`,
    XDG_CACHE_HOME: `${userDataDir}/.cache`,
    TMPDIR: userDataDir,
  };
  for (const key of ['LANG', 'LC_ALL', 'TZ', 'FONTCONFIG_FILE', 'FONTCONFIG_PATH']) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  return env;
}

export function chromiumExecutablePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

export interface LaunchChromiumOptions {
  executablePath: string;
  /** A fresh, empty directory owned by this browser alone. */
  userDataDir: string;
  launchTimeoutMs: number;
  protocolTimeoutMs: number;
}

export async function launchChromium(options: LaunchChromiumOptions): Promise<Browser> {
  return puppeteer.launch({
    executablePath: options.executablePath,
    headless: true,
    // A pipe instead of a DevTools port: no other local process can drive the browser.
    pipe: true,
    userDataDir: options.userDataDir,
    args: [...CHROMIUM_ARGS],
    env: chromiumEnv(options.userDataDir),
    timeout: options.launchTimeoutMs,
    protocolTimeout: options.protocolTimeoutMs,
    // The host application owns shutdown; Puppeteer's handlers would call process.exit.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/**
 * Pids of live processes whose command line mentions `marker` (a user-data-dir). Every
 * Chromium child process carries the flag, so this finds a browser's whole tree.
 * Linux only (reads /proc); elsewhere it finds nothing.
 */
export async function findProcessesMentioning(marker: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
      .map(async (e) => {
        try {
          const [cmdline, stat] = await Promise.all([
            readFile(`/proc/${e}/cmdline`, 'utf8'),
            readFile(`/proc/${e}/stat`, 'utf8'),
          ]);
          // Zombies still list in /proc but are already dead.
          const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
          if (state !== 'Z' && cmdline.includes(marker)) pids.push(Number(e));
        } catch {
          // Exited while we looked.
        }
      }),
  );
  return pids;
}

/** Waits up to `graceMs` for the processes to exit by themselves, then SIGKILLs the rest. */
export async function reapProcessesMentioning(marker: string, graceMs = 2_000): Promise<void> {
  const end = Date.now() + graceMs;
  let pids = await findProcessesMentioning(marker);
  while (pids.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    pids = await findProcessesMentioning(marker);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
