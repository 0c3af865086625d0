/**
 * Load for the widget's submit endpoint: realistic, varied customers (valid CVRs, Danish
 * addresses, both locales, every plan and period), a keep-alive HTTP client, and closed-
 * and open-loop drivers that record latency per request.
 */
import { Agent, request } from 'node:http';
import { DEFAULT_CONSENT_TEXT, type WidgetConfig } from '@aftale/domain';

/** Small seeded PRNG (mulberry32): the same run sends the same customers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;

/** A CVR that passes modulus 11 (weights 2,7,6,5,4,3,2,1): what the form accepts. */
export function randomCvr(random: () => number): string {
  const weights = [2, 7, 6, 5, 4, 3, 2];
  for (;;) {
    const digits = [1 + Math.floor(random() * 9)];
    for (let i = 1; i < 7; i++) digits.push(Math.floor(random() * 10));
    const sum = digits.reduce((acc, d, i) => acc + d * weights[i]!, 0);
    const check = (11 - (sum % 11)) % 11;
    if (check < 10) return [...digits, check].join('');
  }
}

const NAMES = [
  'Min Dag Min Energi',
  'Nordlys Tømrer',
  'Østjysk VVS',
  'Fjordens Bageri',
  'Ærø Regnskab',
  'Søndergaard & Co',
  'Vestkyst Hosting',
  'Kolding Advokatfirma',
  'Grøn Energi Rådgivning',
  'Limfjordens Tandklinik',
  'Aalborg Skoleintra',
  'Hjem <og> Have',
];
const SUFFIXES = ['ApS', 'A/S', 'I/S', 'IVS'];
const STREETS = ['Søndergade', 'Østergade', 'Åboulevarden', 'Vestergade', 'Nørregade', 'Strandvej'];
const PLACES: Array<[string, string]> = [
  ['8000', 'Aarhus C'],
  ['2100', 'København Ø'],
  ['5000', 'Odense C'],
  ['9000', 'Aalborg'],
  ['7100', 'Vejle'],
  ['6700', 'Esbjerg'],
  ['4000', 'Roskilde'],
];
const FIRST = ['Åse', 'Søren', 'Mette', 'Jørgen', 'Anne', 'Mads', 'Birgitte', 'Rasmus'];
const LAST = ['Ærø', 'Nielsen', 'Jensen', 'Østergaard', 'Hansen', 'Pedersen', 'Kjær'];

interface PlanShape {
  code: string;
  minUsers: number;
  maxUsers: number;
  periods: string[];
}

function plansOf(config: WidgetConfig): PlanShape[] {
  return config.plans.map((p) => {
    const d = p.definition as {
      minUsers?: number;
      maxUsers?: number;
      periods?: Array<{ period: string }>;
    };
    return {
      code: p.code,
      minUsers: d.minUsers ?? 1,
      maxUsers: Math.min(d.maxUsers ?? 250, 250),
      periods: (d.periods ?? [{ period: 'month' }]).map((x) => x.period),
    };
  });
}

/** A submit body as the widget sends it, for a random customer of this vendor. */
export function acceptanceBodies(
  config: WidgetConfig,
  origin: string,
  seed: number,
): () => Record<string, unknown> {
  const random = rng(seed);
  const plans = plansOf(config);
  const documentVersionIds = config.documents.map((d) => d.versionId);
  return () => {
    const name = `${pick(random, NAMES)} ${pick(random, SUFFIXES)}`;
    const [postalCode, city] = pick(random, PLACES);
    const plan = pick(random, plans);
    const contact = `${pick(random, FIRST)} ${pick(random, LAST)}`;
    const locale = random() < 0.85 ? 'da' : 'en';
    const users = plan.minUsers + Math.floor(random() * (plan.maxUsers - plan.minUsers + 1));
    const slug = name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z]+/g, '');
    return {
      company: {
        name,
        address: `${pick(random, STREETS)} ${1 + Math.floor(random() * 120)}`,
        postalCode,
        city,
        cvr: randomCvr(random),
        contactName: contact,
        contactEmail: `it${Math.floor(random() * 1000)}@${slug || 'kunde'}.dk`,
      },
      planCode: plan.code,
      users,
      period: pick(random, plan.periods),
      documentVersionIds,
      consent: true,
      consentText: DEFAULT_CONSENT_TEXT[locale],
      locale,
      clientTime: new Date().toISOString(),
      pageUrl: `${origin}/checkout`,
      widgetVersion: '1.0.0',
    };
  };
}

/** A documentation-range (RFC 5737) address per simulated customer. */
export function randomIp(random: () => number): string {
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  return `${pick(random, nets)}.${1 + Math.floor(random() * 254)}`;
}

export interface SubmitResult {
  /** HTTP status, or 0 when no response arrived (connection refused, reset, timeout). */
  status: number;
  body: Record<string, unknown> | null;
  error?: string;
}

/** The widget's HTTP surface over keep-alive connections (node:http, cheap per request). */
export class WidgetClient {
  readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    readonly publishableKey: string,
    readonly origin: string,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  async config(): Promise<WidgetConfig> {
    const res = await fetch(`${this.baseUrl}/v1/widget/config?key=${this.publishableKey}`, {
      headers: { origin: this.origin },
    });
    if (!res.ok) throw new Error(`GET config: ${res.status} ${await res.text()}`);
    return (await res.json()) as WidgetConfig;
  }

  submit(
    body: Record<string, unknown>,
    idempotencyKey: string,
    clientIp: string,
    timeoutMs = 30_000,
  ): Promise<SubmitResult> {
    const payload = Buffer.from(JSON.stringify(body));
    const url = new URL(`${this.baseUrl}/v1/widget/acceptances?key=${this.publishableKey}`);
    return new Promise((done) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            origin: this.origin,
            'content-type': 'application/json',
            'content-length': payload.length,
            'idempotency-key': idempotencyKey,
            'x-forwarded-for': clientIp,
            'user-agent': 'Mozilla/5.0 (aftale-bench) Gecko/20100101 Firefox/128.0',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> | null = null;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
            } catch {
              parsed = { raw: text.slice(0, 200) };
            }
            done({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', (e) => done({ status: 0, body: null, error: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => done({ status: 0, body: null, error: e.message }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export interface LoadStats {
  seconds: number;
  ok: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** First few distinct failure descriptions. */
  errorSamples: string[];
}

export function summarise(latencies: number[], errors: string[], seconds: number): LoadStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    seconds: r(seconds),
    ok: sorted.length,
    errors: errors.length,
    perSecond: r(sorted.length / seconds),
    p50Ms: r(percentile(sorted, 50)),
    p95Ms: r(percentile(sorted, 95)),
    p99Ms: r(percentile(sorted, 99)),
    maxMs: r(sorted.at(-1) ?? NaN),
    errorSamples: [...new Set(errors)].slice(0, 5),
  };
}

/** One submit: what was sent and what came back (the crash test keeps every one). */
export interface Attempt {
  key: string;
  body: Record<string, unknown>;
  ip: string;
  result: SubmitResult;
  ms: number;
}

export type Submitter = () => Promise<Attempt>;

/** A submitter with unique idempotency keys, varied customers and client IPs. */
export function submitter(client: WidgetClient, config: WidgetConfig, seed: number, run: string) {
  const next = acceptanceBodies(config, client.origin, seed);
  const random = rng(seed ^ 0x5bd1e995);
  let n = 0;
  return async (): Promise<Attempt> => {
    const key = `bench-${run}-${(n++).toString(36).padStart(6, '0')}`;
    const body = next();
    const ip = randomIp(random);
    const started = performance.now();
    const result = await client.submit(body, key, ip);
    return { key, body, ip, result, ms: performance.now() - started };
  };
}

export const accepted = (a: Attempt) =>
  a.result.status === 201 && typeof a.result.body?.['acceptanceId'] === 'string';

const describe = (a: Attempt) =>
  a.result.status === 0
    ? `no response: ${a.result.error}`
    : `${a.result.status} ${JSON.stringify(a.result.body).slice(0, 200)}`;

/**
 * Closed loop: `concurrency` simulated users, each submitting again as soon as its last
 * submit is answered, until `stop()` says so. Every attempt is passed to `onAttempt`.
 */
export async function closedLoop(
  submit: Submitter,
  concurrency: number,
  stop: () => boolean,
  onAttempt: (a: Attempt) => void = () => undefined,
): Promise<LoadStats> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop()) {
        const attempt = await submit();
        onAttempt(attempt);
        if (accepted(attempt)) latencies.push(attempt.ms);
        else errors.push(describe(attempt));
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}

/**
 * Open loop: submits start on a fixed schedule (`rate` a second) whether or not earlier
 * ones have finished, and latency counts from the scheduled start, so a stall shows up in
 * the percentiles instead of silently lowering the offered load (coordinated omission).
 */
export async function openLoop(
  submit: Submitter,
  rate: number,
  seconds: number,
): Promise<LoadStats & { offeredPerSecond: number }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      submit().then((attempt) => {
        if (accepted(attempt)) latencies.push(performance.now() - due);
        else errors.push(describe(attempt));
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  return { ...summarise(latencies, errors, elapsed), offeredPerSecond: rate };
}
