import { isAftaleError } from '@aftale/domain';
import { ConfigError } from '@aftale/server';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Typed errors leave as a readable line (or JSON with --json) and a distinct exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + '\n');
    return 78;
  }
  if (isAftaleError(error)) {
    if (json) {
      process.stderr.write(
        JSON.stringify({
          error: { code: error.code, message: error.message, problems: error.problems },
        }) + '\n',
      );
    } else {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      for (const p of error.problems)
        process.stderr.write(`  ${p.field}: ${p.message}${p.hint ? ` (${p.hint})` : ''}\n`);
    }
    return error.code === 'BAD_USER_INPUT' || error.code === 'CONFLICT' ? 2 : 1;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
