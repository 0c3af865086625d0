import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUDGET_GZIP_BYTES, buildWidget, gzipSize, sri, type WidgetBuild } from '../build';

// A size budget, not a timing: the build is deterministic, so this cannot flake.
jest.setTimeout(60_000);

describe('widget bundle', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'aftale-widget-'));
  let built: WidgetBuild;
  beforeAll(async () => {
    built = await buildWidget(outdir);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('stays within the 15 KB min+gzip budget for all JavaScript a page loads', () => {
    // A page loads one of the two files (script tag or module), never both.
    for (const file of ['widget.js', 'widget.mjs'] as const) {
      expect(built.files[file].gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
      expect(built.files[file].gzipBytes).toBe(gzipSize(readFileSync(join(outdir, file))));
    }
  });

  it('bundles no framework, no zod and nothing from node_modules', () => {
    expect(built.inputs.filter((p) => /node_modules|zod/.test(p))).toEqual([]);
    expect(built.inputs).toContain('libs/pricing/src/lib/compute.ts');
    expect(built.inputs).toContain('libs/domain/src/lib/cvr.ts');
  });

  it('writes a manifest with sizes and SRI hashes that match the files', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    for (const file of ['widget.js', 'widget.mjs']) {
      const bytes = readFileSync(join(outdir, file));
      expect(manifest.files[file]).toEqual({
        bytes: bytes.length,
        gzipBytes: gzipSize(bytes),
        sri: sri(bytes),
      });
      expect(manifest.files[file].sri).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
    }
  });

  it('builds a classic script and an ES module exporting the element', () => {
    const js = readFileSync(join(outdir, 'widget.js'), 'utf8');
    const mjs = readFileSync(join(outdir, 'widget.mjs'), 'utf8');
    expect(js).not.toMatch(/import\.meta|\bexport\s*\{/);
    expect(mjs).toMatch(/export\s*\{[^}]*as AftaleSignup/);
    expect(mjs).toMatch(/export\s*\{[^}]*as defineAftaleSignup/);
    // No third-party requests: one fetch (to the configured API), no other way out.
    expect(js.match(/\bfetch\(/g)).toHaveLength(1);
    expect(js).not.toMatch(
      /XMLHttpRequest|sendBeacon|new Image|import\(|WebSocket|@import|[:\s,]url\(/,
    );
  });
});
