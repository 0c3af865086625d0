/**
 * Builds the sign-up widget: widget.js (minified IIFE for the script tag) and widget.mjs (ES
 * module exporting AftaleSignup and defineAftaleSignup), plus manifest.json with each
 * file's size, gzip size and SRI hash. Run: npx nx build widget
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');
export const WIDGET_OUTDIR = join(ROOT, 'dist', 'apps', 'widget');
/** All JavaScript a vendor's page loads for the widget, min+gzip. */
export const BUDGET_GZIP_BYTES = 15_000;

/*
 * The libs' index files pull zod and node:crypto. The widget imports '@aftale/domain' and
 * '@aftale/pricing' (so types and lint see the real libs), and the bundle maps them to these
 * pure files only: using anything else from them fails the build.
 */
const BROWSER_SAFE: Record<string, string[]> = {
  '@aftale/domain': ['libs/domain/src/lib/cvr.ts', 'libs/domain/src/lib/widget-contract.ts'],
  '@aftale/pricing': ['libs/pricing/src/lib/compute.ts', 'libs/pricing/src/lib/format.ts'],
};
/** Every file that may end up in the bundle; anything else (zod!) fails the build. */
const ALLOWED_INPUT =
  /^(apps\/widget\/src\/|aftale-lib:|libs\/domain\/src\/lib\/(cvr|widget-contract)\.ts$|libs\/pricing\/src\/lib\/(compute|format|money)\.ts$)/;

const browserSafeLibs: Plugin = {
  name: 'aftale-browser-safe-libs',
  setup(b) {
    b.onResolve({ filter: /^@aftale\// }, (args) =>
      BROWSER_SAFE[args.path]
        ? { path: args.path, namespace: 'aftale-lib' }
        : { errors: [{ text: `${args.path} is not browser-safe; the widget may not import it` }] },
    );
    b.onLoad({ filter: /.*/, namespace: 'aftale-lib' }, (args) => ({
      contents: (BROWSER_SAFE[args.path] ?? [])
        .map((file) => `export * from ${JSON.stringify(join(ROOT, file))};`)
        .join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    }));
  },
};

export interface BuiltFile {
  bytes: number;
  gzipBytes: number;
  /** `sha384-…`, for the script tag's integrity attribute. */
  sri: string;
}

export type WidgetFile = 'widget.js' | 'widget.mjs';

export interface WidgetBuild {
  outdir: string;
  budgetGzipBytes: number;
  files: Record<WidgetFile, BuiltFile>;
  /** Bundle inputs, relative to the repository root. */
  inputs: string[];
}

export const gzipSize = (data: Uint8Array): number => gzipSync(data, { level: 9 }).length;
export const sri = (data: Uint8Array): string =>
  'sha384-' + createHash('sha384').update(data).digest('base64');

/** One bundle in memory; `minify: false` gives the reference the size report compares with. */
export async function bundle(
  format: 'iife' | 'esm',
  minify = true,
): Promise<{ code: Uint8Array; inputs: string[] }> {
  const options: BuildOptions = {
    entryPoints: [join(__dirname, 'src', format === 'iife' ? 'main.ts' : 'module.ts')],
    bundle: true,
    format,
    minify,
    // BigInt (the pricing engine's exact arithmetic) needs ES2020; every browser with it
    // also has public class fields, which then need no helper code.
    target: 'es2020',
    supported: { 'class-field': true },
    platform: 'browser',
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [browserSafeLibs],
    ...(format === 'esm' ? { banner: { js: 'const __AFTALE_MODULE_URL__=import.meta.url;' } } : {}),
  };
  const result = await build(options);
  const inputs = Object.keys(result.metafile?.inputs ?? {}).map((p) =>
    p.startsWith('aftale-lib:') ? p : relative(ROOT, resolve(ROOT, p)).split('\\').join('/'),
  );
  const foreign = inputs.filter((p) => !ALLOWED_INPUT.test(p));
  if (foreign.length) throw new Error(`widget bundle pulls in ${foreign.join(', ')}`);
  const [out] = result.outputFiles ?? [];
  if (!out) throw new Error('esbuild wrote nothing');
  return { code: out.contents, inputs };
}

/** Builds both files into `outdir` (default dist/apps/widget) with manifest.json. */
export async function buildWidget(outdir = WIDGET_OUTDIR): Promise<WidgetBuild> {
  await mkdir(outdir, { recursive: true });
  const files = {} as Record<WidgetFile, BuiltFile>;
  const inputs = new Set<string>();
  for (const [file, format] of [
    ['widget.js', 'iife'],
    ['widget.mjs', 'esm'],
  ] as const) {
    const { code, inputs: used } = await bundle(format);
    used.forEach((p) => inputs.add(p));
    await writeFile(join(outdir, file), code);
    files[file] = { bytes: code.length, gzipBytes: gzipSize(code), sri: sri(code) };
  }
  const manifest: WidgetBuild = {
    outdir,
    budgetGzipBytes: BUDGET_GZIP_BYTES,
    files,
    inputs: [...inputs].sort(),
  };
  await writeFile(
    join(outdir, 'manifest.json'),
    JSON.stringify({ ...manifest, outdir: relative(ROOT, outdir) }, null, 2) + '\n',
  );
  return manifest;
}

if (process.argv[1] === __filename) {
  buildWidget().then(
    (b) => {
      for (const [file, f] of Object.entries(b.files)) {
        console.log(`${file}\t${f.bytes} B\t${f.gzipBytes} B gzip\t${f.sri}`);
      }
      console.log(`written to ${relative(process.cwd(), b.outdir) || '.'}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
