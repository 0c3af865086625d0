import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Lints source text as if it lived at `path`, with the repository's real config. */
function lint(path: string, code: string): string[] {
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/eslint/bin/eslint.js'),
      '--stdin',
      '--stdin-filename',
      path,
      '--format',
      'json',
    ],
    {
      cwd: root,
      input: code,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false' },
    },
  );
  const results = JSON.parse(run.stdout || '[]') as Array<{
    messages: Array<{ ruleId: string | null; message: string }>;
  }>;
  return results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`));
}

describe('module boundaries (lint)', () => {
  beforeAll(() => {
    // The rule needs Nx's project graph; without it, it silently skips.
    spawnSync(process.execPath, [join(root, 'node_modules/nx/bin/nx.js'), 'show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  });

  it('forbids the pure domain lib from importing NestJS or TypeORM', () => {
    const nest = lint(
      'libs/domain/src/lib/bad.ts',
      "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
    );
    expect(nest.join('\n')).toMatch(/enforce-module-boundaries.*@nestjs\/common/);
    const orm = lint(
      'libs/domain/src/lib/bad.ts',
      "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n",
    );
    expect(orm.join('\n')).toMatch(/enforce-module-boundaries.*typeorm/);
  });

  it('forbids the domain lib from importing server code', () => {
    const found = lint(
      'libs/domain/src/lib/bad.ts',
      "import { loadConfig } from '@aftale/server';\nexport const x = loadConfig;\n",
    );
    expect(found.join('\n')).toMatch(/enforce-module-boundaries/);
  });

  it('forbids an app from importing another app', () => {
    const found = lint(
      'apps/worker/src/bad.ts',
      "import { createApiApp } from '../../api/src/create-app';\nexport const x = createApiApp;\n",
    );
    expect(found.join('\n')).toMatch(/enforce-module-boundaries/);
  });

  it('allows what the architecture intends', () => {
    expect(
      lint(
        'apps/api/src/ok.ts',
        "import { loadConfig } from '@aftale/server';\nimport { checkCvr } from '@aftale/domain';\nexport const x = [loadConfig, checkCvr];\n",
      ),
    ).toEqual([]);
  });
});
