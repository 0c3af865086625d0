import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/*
 * A local stand-in for the parts of the Stripe API that Aftale uses, speaking Stripe's wire
 * protocol so that the real `stripe` SDK can talk to it: form-encoded requests in bracket
 * notation, JSON objects shaped like Stripe's, Stripe's error format and status codes,
 * Bearer auth, Idempotency-Key replays, Stripe-Account scoping, Stripe-Version dependent
 * shapes, and webhooks signed the Stripe way. Test mode only; no tax computation.
 */

type Obj = Record<string, any>;

export interface RecordedRequest {
  method: string;
  path: string;
  params: Obj;
  idempotencyKey: string | undefined;
  stripeAccount: string | undefined;
  stripeVersion: string | undefined;
  status: number;
  replayed: boolean;
}

export interface WebhookDelivery {
  status: number;
  body: string;
}

export interface DeliverOptions {
  /** Unix seconds put in the signature; default now. */
  timestamp?: number;
  /** Alter the body after signing (true flips livemode), as an attacker in the middle would. */
  tamper?: boolean | ((payload: string) => string);
  /** Send no Stripe-Signature header at all. */
  omitSignature?: boolean;
}

export interface StandInOptions {
  /** When set, the only secret key accepted; otherwise any `sk_test_…` key. */
  secretKey?: string;
  /** API version stamped on events; the installed SDK's pinned version by default. */
  eventApiVersion?: string;
}

/** The API version that moved `current_period_*` from subscriptions to their items. */
const BASIL = '2025-03-31';
const DAY = 86_400;

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param?: string,
    readonly code?: string,
  ) {
    super(message);
  }

  toJSON(): Obj {
    const error: Obj = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.param) error.param = this.param;
    return { error };
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new StripeApiError(400, 'invalid_request_error', message, param, code);
const noSuch = (kind: string, id: string, param?: string, status = 400) =>
  new StripeApiError(
    status,
    'invalid_request_error',
    `No such ${kind}: '${id}'`,
    param,
    'resource_missing',
  );

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const b of bytes) id += ALNUM[b % ALNUM.length];
  return `${prefix}_${id}`;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Parses Stripe's form encoding: `a[b][0][c]=v` → { a: { b: [ { c: 'v' } ] } }. */
export function parseStripeForm(encoded: string): Obj {
  const root: Obj = {};
  for (const [rawKey, value] of new URLSearchParams(encoded)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) throw invalid(`Invalid parameter name: ${rawKey}`, rawKey);
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: Obj = root;
    path.forEach((segment, i) => {
      const key = segment === '' ? String(Object.keys(node).length) : segment;
      if (i === path.length - 1) {
        node[key] = value;
        return;
      }
      if (node[key] === undefined) node[key] = {};
      if (typeof node[key] !== 'object') throw invalid(`Invalid parameter: ${rawKey}`, rawKey);
      node = node[key];
    });
  }
  return arrayify(root) as Obj;
}

function arrayify(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Obj).map(([k, v]) => [k, arrayify(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

// --- parameter checks, with Stripe's messages and codes -------------------------------------

function allow(params: Obj, keys: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key !== 'expand' && !keys.includes(key)) {
      throw invalid(`Received unknown parameter: ${key}`, key, 'parameter_unknown');
    }
  }
}

function required(params: Obj, key: string, param = key): any {
  const value = params[key];
  if (value === undefined || value === '') {
    throw invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
  }
  return value;
}

function int(value: unknown, param: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalid(`Invalid integer: ${String(value)}`, param, 'parameter_invalid_integer');
  }
  const n = Number(value);
  if (n < min) throw invalid(`This value must be greater than or equal to ${min}.`, param);
  if (n > max) throw invalid(`This value must be less than or equal to ${max}.`, param);
  return n;
}

function bool(value: unknown, param: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(`Invalid boolean: ${String(value)}`, param);
}

function oneOf<T extends string>(value: unknown, param: string, values: readonly T[]): T {
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw invalid(
    `Invalid ${param}: must be one of ${values.join(', ')}`,
    param,
    'parameter_invalid_string',
  );
}

function list(value: unknown, param: string): any[] {
  if (!Array.isArray(value)) throw invalid(`Invalid array`, param);
  return value;
}

function metadata(value: unknown, param = 'metadata', base: Obj = {}): Record<string, string> {
  if (value === undefined) return { ...base };
  if (value === '') return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('Invalid object', param);
  }
  const out: Record<string, string> = { ...base };
  for (const [key, v] of Object.entries(value)) {
    if (key.length > 40)
      throw invalid('Metadata keys can be at most 40 characters.', `${param}[${key}]`);
    if (typeof v !== 'string') throw invalid('Invalid metadata value', `${param}[${key}]`);
    if (v.length > 500)
      throw invalid('Metadata values can be at most 500 characters.', `${param}[${key}]`);
    if (v === '') delete out[key];
    else out[key] = v;
  }
  if (Object.keys(out).length > 50) throw invalid('Metadata can have at most 50 keys.', param);
  return out;
}

function url(value: unknown, param: string): string {
  try {
    const parsed = new URL(String(value));
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return String(value);
  } catch {
    // fall through to Stripe's error
  }
  throw invalid('Not a valid URL', param, 'url_invalid');
}

function expands(params: Obj): string[] {
  return params.expand === undefined ? [] : list(params.expand, 'expand').map(String);
}

/** Adds calendar months in UTC, clamping to the month's last day as Stripe does. */
function addInterval(unix: number, interval: string, count: number): number {
  const d = new Date(unix * 1000);
  if (interval === 'day') return unix + count * DAY;
  if (interval === 'week') return unix + count * 7 * DAY;
  const months = interval === 'year' ? 12 * count : count;
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ),
  );
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

/** Stripe's charge for `quantity` on a price: graduated or volume tiers, or per unit. */
export function priceAmount(price: Obj, quantity: number): number {
  if (price.billing_scheme !== 'tiered') return Number(price.unit_amount ?? 0) * quantity;
  const tiers: Obj[] = price.tiers;
  if (price.tiers_mode === 'volume') {
    const tier =
      tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1]!;
    return (tier.flat_amount ?? 0) + quantity * (tier.unit_amount ?? 0);
  }
  let total = 0;
  let previous = 0;
  for (const tier of tiers) {
    if (previous >= quantity) break;
    const to = tier.up_to === null ? quantity : Math.min(quantity, tier.up_to);
    total += (tier.flat_amount ?? 0) + (to - previous) * (tier.unit_amount ?? 0);
    previous = to;
  }
  return total;
}

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle: (req: ApiRequest, ...ids: string[]) => Obj;
}

interface ApiRequest {
  params: Obj;
  account: string;
  version: string;
  requestId: string;
  idempotencyKey: string | undefined;
}

export class StripeStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly events: Obj[] = [];
  /** Seconds added to the wall clock, to move subscriptions through time. */
  clockOffset = 0;

  private server: Server | null = null;
  private address: AddressInfo | null = null;
  /** Objects by account ('' = the platform account), then by id. */
  private readonly scopes = new Map<string, Map<string, Obj>>();
  private readonly idempotency = new Map<
    string,
    { fingerprint: string; status: number; body: string }
  >();
  private readonly eventApiVersion: string;
  private readonly routes: Route[];

  private constructor(private readonly options: StandInOptions) {
    this.eventApiVersion = options.eventApiVersion ?? Stripe.API_VERSION;
    const id = '([A-Za-z0-9_]+)';
    this.routes = [
      { method: 'POST', pattern: /^\/v1\/products$/, handle: (r) => this.createProduct(r) },
      {
        method: 'GET',
        pattern: new RegExp(`^/v1/products/${id}$`),
        handle: (r, i) => this.retrieve(r, i!, 'product'),
      },
      { method: 'POST', pattern: /^\/v1\/prices$/, handle: (r) => this.createPrice(r) },
      { method: 'GET', pattern: /^\/v1\/prices$/, handle: (r) => this.listPrices(r) },
      {
        method: 'GET',
        pattern: new RegExp(`^/v1/prices/${id}$`),
        handle: (r, i) => this.retrieve(r, i!, 'price'),
      },
      { method: 'POST', pattern: /^\/v1\/customers$/, handle: (r) => this.createCustomer(r) },
      {
        method: 'GET',
        pattern: new RegExp(`^/v1/customers/${id}$`),
        handle: (r, i) => this.retrieve(r, i!, 'customer'),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^/v1/customers/${id}$`),
        handle: (r, i) => this.updateCustomer(r, i!),
      },
      {
        method: 'POST',
        pattern: /^\/v1\/subscriptions$/,
        handle: (r) => this.createSubscription(r),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^/v1/subscriptions/${id}$`),
        handle: (r, i) => this.retrieve(r, i!, 'subscription'),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^/v1/subscriptions/${id}$`),
        handle: (r, i) => this.updateSubscription(r, i!),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^/v1/subscriptions/${id}/resume$`),
        handle: (r, i) => this.resumeSubscription(r, i!),
      },
      {
        method: 'POST',
        pattern: /^\/v1\/checkout\/sessions$/,
        handle: (r) => this.createCheckoutSession(r),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^/v1/checkout/sessions/${id}$`),
        handle: (r, i) => this.retrieve(r, i!, 'checkout.session'),
      },
      {
        method: 'POST',
        pattern: /^\/v1\/billing_portal\/sessions$/,
        handle: (r) => this.createPortalSession(r),
      },
      {
        method: 'POST',
        pattern: /^\/v1\/invoices\/create_preview$/,
        handle: (r) => this.createInvoicePreview(r),
      },
    ];
  }

  static async start(options: StandInOptions = {}): Promise<StripeStandIn> {
    const standIn = new StripeStandIn(options);
    const server = createServer((req, res) => void standIn.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standIn.server = server;
    standIn.address = server.address() as AddressInfo;
    return standIn;
  }

  get host(): string {
    return this.address?.address ?? '127.0.0.1';
  }

  get port(): number {
    if (!this.address) throw new Error('the stand-in is not started');
    return this.address.port;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  now(): number {
    return Math.floor(Date.now() / 1000) + this.clockOffset;
  }

  /** Any object by id, across accounts (test inspection only). */
  object(id: string): Obj | undefined {
    for (const scope of this.scopes.values()) {
      const found = scope.get(id);
      if (found) return found;
    }
    return undefined;
  }

  // --- HTTP ----------------------------------------------------------------------------------

  private scope(account: string): Map<string, Obj> {
    let scope = this.scopes.get(account);
    if (!scope) this.scopes.set(account, (scope = new Map()));
    return scope;
  }

  private accountOf(id: string): string | undefined {
    for (const [account, scope] of this.scopes) if (scope.has(id)) return account;
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomId('req', 14);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'http://stand-in');
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const account = header('stripe-account') ?? '';
    const version = header('stripe-version') ?? this.eventApiVersion;
    const idempotencyKey = header('idempotency-key');
    const record: RecordedRequest = {
      method,
      path: target.pathname,
      params: {},
      idempotencyKey,
      stripeAccount: account || undefined,
      stripeVersion: header('stripe-version'),
      status: 0,
      replayed: false,
    };
    this.requests.push(record);
    const send = (status: number, json: string, extra: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Request-Id': requestId,
        'Stripe-Version': version,
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        ...extra,
      });
      res.end(json);
    };
    try {
      this.authenticate(header('authorization'));
      if (account && !/^acct_[A-Za-z0-9]+$/.test(account)) {
        throw new StripeApiError(
          403,
          'invalid_request_error',
          `The provided key does not have access to account '${account}' (or that account does not exist).`,
        );
      }
      const params = parseStripeForm(method === 'GET' ? target.search.slice(1) : body);
      record.params = params;
      const idemSlot = `${account}|${idempotencyKey ?? ''}`;
      if (method === 'POST' && idempotencyKey) {
        if (idempotencyKey.length > 255) {
          throw invalid('Idempotency-Key must be at most 255 characters.', undefined);
        }
        const stored = this.idempotency.get(idemSlot);
        const fingerprint = `${method} ${target.pathname} ${body}`;
        if (stored) {
          if (stored.fingerprint !== fingerprint) {
            throw new StripeApiError(
              400,
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            );
          }
          record.replayed = true;
          send(stored.status, stored.body, { 'Idempotent-Replayed': 'true' });
          return;
        }
      }
      const route = this.routes.find((r) => r.method === method && r.pattern.test(target.pathname));
      if (!route) {
        throw new StripeApiError(
          404,
          'invalid_request_error',
          `Unrecognized request URL (${method}: ${target.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        );
      }
      const ids = route.pattern.exec(target.pathname)!.slice(1);
      const result = route.handle({ params, account, version, requestId, idempotencyKey }, ...ids);
      const json = JSON.stringify(result, null, 2);
      // Stripe saves the result of a request that ran; validation failures are not saved.
      if (method === 'POST' && idempotencyKey) {
        this.idempotency.set(idemSlot, {
          fingerprint: `${method} ${target.pathname} ${body}`,
          status: 200,
          body: json,
        });
      }
      send(200, json);
    } catch (error) {
      if (error instanceof StripeApiError) {
        send(error.status, JSON.stringify(error.toJSON(), null, 2));
      } else {
        const message = error instanceof Error ? error.message : String(error);
        send(
          500,
          JSON.stringify({ error: { type: 'api_error', message: `stand-in failure: ${message}` } }),
        );
      }
    }
  }

  private authenticate(authorization: string | undefined): void {
    const key = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!key) {
      throw new StripeApiError(
        401,
        'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    const accepted = this.options.secretKey
      ? key === this.options.secretKey
      : /^sk_test_\w+$/.test(key);
    if (!accepted) {
      const masked = `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
      throw new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${masked}`);
    }
  }

  private get(req: ApiRequest, id: string, object: string, param?: string, status = 400): Obj {
    const found = this.scope(req.account).get(id);
    if (!found || found.object !== object) {
      throw noSuch(object === 'checkout.session' ? 'checkout.session' : object, id, param, status);
    }
    return found;
  }

  private retrieve(req: ApiRequest, id: string, object: string): Obj {
    return this.render(this.get(req, id, object, 'id', 404), req.version, expands(req.params));
  }

  // --- rendering: what Stripe returns depends on expand[] and on Stripe-Version ----------------

  private render(object: Obj, version: string, expand: string[] = []): Obj {
    const out = clone(object);
    for (const key of Object.keys(out)) if (key.startsWith('__')) delete out[key];
    switch (object.object) {
      case 'price':
        // `tiers` is includable: only returned when expanded.
        if (!expand.includes('tiers')) delete out.tiers;
        break;
      case 'customer':
        if (expand.includes('tax_ids')) {
          const data = clone(object.__tax_ids as Obj[]);
          out.tax_ids = {
            object: 'list',
            data,
            has_more: false,
            total_count: data.length,
            url: `/v1/customers/${object.id}/tax_ids`,
          };
        }
        break;
      case 'subscription':
        if (version < BASIL) {
          const first = out.items.data[0];
          out.current_period_start = first.current_period_start;
          out.current_period_end = first.current_period_end;
          for (const item of out.items.data) {
            delete item.current_period_start;
            delete item.current_period_end;
          }
        }
        break;
      case 'checkout.session':
        if (expand.includes('setup_intent') && out.setup_intent) {
          out.setup_intent = this.render(this.object(out.setup_intent)!, version);
        }
        break;
      case 'invoice':
        if (version < BASIL) {
          out.subscription = out.parent?.subscription_details?.subscription ?? null;
          delete out.parent;
        }
        break;
    }
    return out;
  }

  private emit(type: string, object: Obj, account: string, previous?: Obj): Obj {
    const event: Obj = {
      id: randomId('evt'),
      object: 'event',
      ...(account ? { account } : {}),
      api_version: this.eventApiVersion,
      created: this.now(),
      data: {
        object: this.render(object, this.eventApiVersion),
        ...(previous ? { previous_attributes: clone(previous) } : {}),
      },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.push(event);
    return event;
  }

  // --- products and prices ---------------------------------------------------------------------

  private createProduct(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, [
      'name',
      'description',
      'metadata',
      'active',
      'id',
      'tax_code',
      'unit_label',
      'statement_descriptor',
    ]);
    const name = required(p, 'name');
    if (p.description === '') {
      throw invalid(
        "You passed an empty string for 'description'. We assume empty values are an attempt to unset a parameter; however 'description' cannot be unset. You should remove 'description' from your request or supply a non-empty value.",
        'description',
      );
    }
    const id = p.id ?? randomId('prod', 14);
    if (this.scope(req.account).has(id)) {
      throw invalid(`Product already exists.`, 'id', 'resource_already_exists');
    }
    const now = this.now();
    const product: Obj = {
      id,
      object: 'product',
      active: p.active === undefined ? true : bool(p.active, 'active'),
      created: now,
      default_price: null,
      description: p.description ?? null,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: metadata(p.metadata),
      name,
      package_dimensions: null,
      shippable: null,
      statement_descriptor: p.statement_descriptor ?? null,
      tax_code: p.tax_code ?? null,
      unit_label: p.unit_label ?? null,
      updated: now,
      url: null,
    };
    this.scope(req.account).set(id, product);
    return this.render(product, req.version);
  }

  private createPrice(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, [
      'currency',
      'product',
      'billing_scheme',
      'tiers',
      'tiers_mode',
      'unit_amount',
      'recurring',
      'tax_behavior',
      'lookup_key',
      'transfer_lookup_key',
      'nickname',
      'metadata',
      'active',
    ]);
    const currency = String(required(p, 'currency')).toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}.`, 'currency');
    const productId = required(p, 'product');
    this.get(req, productId, 'product', 'product');
    const scheme = oneOf(p.billing_scheme ?? 'per_unit', 'billing_scheme', ['per_unit', 'tiered']);
    let tiers: Obj[] | null = null;
    let tiersMode: string | null = null;
    let unitAmount: number | null = null;
    if (scheme === 'tiered') {
      if (p.unit_amount !== undefined) {
        throw invalid(
          'You may only specify one of these parameters: tiers, unit_amount.',
          'unit_amount',
        );
      }
      tiersMode = oneOf(required(p, 'tiers_mode'), 'tiers_mode', ['graduated', 'volume']);
      const raw = list(required(p, 'tiers'), 'tiers');
      let previous = 0;
      tiers = raw.map((t: Obj, i: number) => {
        const param = `tiers[${i}]`;
        const last = i === raw.length - 1;
        const upToRaw = required(t, 'up_to', `${param}[up_to]`);
        const upTo = upToRaw === 'inf' ? null : int(upToRaw, `${param}[up_to]`, 1);
        if (last && upTo !== null) {
          throw invalid('The last tier must have `up_to` set to `inf`.', `${param}[up_to]`);
        }
        if (!last && upTo === null) {
          throw invalid('Only the last tier can have `up_to` set to `inf`.', `${param}[up_to]`);
        }
        if (upTo !== null && upTo <= previous) {
          throw invalid('Tiers must be sorted in ascending order of `up_to`.', `${param}[up_to]`);
        }
        previous = upTo ?? previous;
        if (t.unit_amount === undefined && t.flat_amount === undefined) {
          throw invalid(
            'Each tier must have at least one of `unit_amount` or `flat_amount`.',
            param,
          );
        }
        const unit =
          t.unit_amount === undefined ? null : int(t.unit_amount, `${param}[unit_amount]`);
        const flat =
          t.flat_amount === undefined ? null : int(t.flat_amount, `${param}[flat_amount]`);
        return {
          flat_amount: flat,
          flat_amount_decimal: flat === null ? null : String(flat),
          unit_amount: unit,
          unit_amount_decimal: unit === null ? null : String(unit),
          up_to: upTo,
        };
      });
    } else {
      unitAmount = int(required(p, 'unit_amount'), 'unit_amount');
    }
    let recurring: Obj | null = null;
    if (p.recurring !== undefined) {
      const r = p.recurring;
      const interval = oneOf(
        required(r, 'interval', 'recurring[interval]'),
        'recurring[interval]',
        ['day', 'week', 'month', 'year'],
      );
      const count =
        r.interval_count === undefined ? 1 : int(r.interval_count, 'recurring[interval_count]', 1);
      const maxCount = { day: 365, week: 52, month: 12, year: 1 }[interval];
      if (count > maxCount) {
        throw invalid(
          'The maximum billing interval is one year (1 year, 12 months, 52 weeks or 365 days).',
          'recurring[interval_count]',
        );
      }
      recurring = {
        interval,
        interval_count: count,
        meter: null,
        trial_period_days: null,
        usage_type: oneOf(r.usage_type ?? 'licensed', 'recurring[usage_type]', [
          'licensed',
          'metered',
        ]),
      };
    }
    const lookupKey = p.lookup_key ?? null;
    if (lookupKey !== null) {
      const holder = [...this.scope(req.account).values()].find(
        (o) => o.object === 'price' && o.lookup_key === lookupKey,
      );
      if (holder) {
        if (p.transfer_lookup_key === 'true') holder.lookup_key = null;
        else
          throw invalid(`A price (\`${holder.id}\`) already uses that lookup key.`, 'lookup_key');
      }
    }
    const price: Obj = {
      id: randomId('price'),
      object: 'price',
      active: p.active === undefined ? true : bool(p.active, 'active'),
      billing_scheme: scheme,
      created: this.now(),
      currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: lookupKey,
      metadata: metadata(p.metadata),
      nickname: p.nickname ?? null,
      product: productId,
      recurring,
      tax_behavior: oneOf(p.tax_behavior ?? 'unspecified', 'tax_behavior', [
        'inclusive',
        'exclusive',
        'unspecified',
      ]),
      tiers_mode: tiersMode,
      transform_quantity: null,
      type: recurring ? 'recurring' : 'one_time',
      unit_amount: unitAmount,
      unit_amount_decimal: unitAmount === null ? null : String(unitAmount),
      tiers,
    };
    this.scope(req.account).set(price.id, price);
    return this.render(price, req.version, expands(p));
  }

  private listPrices(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, ['lookup_keys', 'product', 'active', 'limit', 'currency', 'type']);
    const limit = p.limit === undefined ? 10 : int(p.limit, 'limit', 1, 100);
    const keys = p.lookup_keys === undefined ? null : list(p.lookup_keys, 'lookup_keys');
    if (keys && keys.length > 10)
      throw invalid('You may only specify up to 10 lookup keys.', 'lookup_keys');
    const active = p.active === undefined ? null : bool(p.active, 'active');
    const all = [...this.scope(req.account).values()]
      .filter((o) => o.object === 'price')
      .filter((o) => !keys || keys.includes(o.lookup_key))
      .filter((o) => p.product === undefined || o.product === p.product)
      .filter((o) => active === null || o.active === active)
      .sort((a, b) => b.created - a.created);
    const inner = expands(p)
      .filter((e) => e.startsWith('data.'))
      .map((e) => e.slice(5));
    return {
      object: 'list',
      data: all.slice(0, limit).map((o) => this.render(o, req.version, inner)),
      has_more: all.length > limit,
      url: '/v1/prices',
    };
  }

  // --- customers --------------------------------------------------------------------------------

  private createCustomer(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, [
      'name',
      'email',
      'description',
      'metadata',
      'tax_id_data',
      'preferred_locales',
      'phone',
      'address',
      'invoice_settings',
    ]);
    if (p.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.email)) {
      throw invalid(`Invalid email address: ${p.email}`, 'email', 'email_invalid');
    }
    const id = randomId('cus', 14);
    const now = this.now();
    const taxIds = (p.tax_id_data === undefined ? [] : list(p.tax_id_data, 'tax_id_data')).map(
      (t: Obj, i: number) => {
        const type = oneOf(
          required(t, 'type', `tax_id_data[${i}][type]`),
          `tax_id_data[${i}][type]`,
          ['eu_vat', 'gb_vat', 'no_vat', 'ch_vat'],
        );
        const value = String(required(t, 'value', `tax_id_data[${i}][value]`));
        // e.g. DK + 8 digits; Stripe checks the format only, then verifies with VIES later.
        if (type === 'eu_vat' && !/^(DK\d{8}|(?!DK)[A-Z]{2}[0-9A-Z+*.]{2,12})$/.test(value)) {
          throw invalid(`Invalid value for ${type}.`, `tax_id_data[${i}][value]`, 'tax_id_invalid');
        }
        return {
          id: randomId('txi'),
          object: 'tax_id',
          country: value.slice(0, 2),
          created: now,
          customer: id,
          livemode: false,
          type,
          value,
          verification: { status: 'pending', verified_address: null, verified_name: null },
        };
      },
    );
    const customer: Obj = {
      id,
      object: 'customer',
      address: null,
      balance: 0,
      created: now,
      currency: null,
      default_source: null,
      delinquent: false,
      description: p.description ?? null,
      discount: null,
      email: p.email ?? null,
      invoice_prefix: randomId('X', 6).slice(2).toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: metadata(p.metadata),
      name: p.name ?? null,
      phone: p.phone ?? null,
      preferred_locales: p.preferred_locales ?? [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
      __tax_ids: taxIds,
    };
    this.scope(req.account).set(id, customer);
    return this.render(customer, req.version, expands(p));
  }

  private updateCustomer(req: ApiRequest, id: string): Obj {
    const p = req.params;
    allow(p, [
      'name',
      'email',
      'description',
      'metadata',
      'invoice_settings',
      'preferred_locales',
      'phone',
    ]);
    const customer = this.get(req, id, 'customer', 'id', 404);
    if (p.invoice_settings?.default_payment_method !== undefined) {
      const pmId = p.invoice_settings.default_payment_method;
      const pm = this.scope(req.account).get(pmId);
      if (pmId !== '' && (!pm || pm.object !== 'payment_method' || pm.customer !== id)) {
        throw noSuch('PaymentMethod', pmId, 'invoice_settings[default_payment_method]');
      }
      customer.invoice_settings.default_payment_method = pmId === '' ? null : pmId;
    }
    for (const key of ['name', 'email', 'description', 'phone'] as const) {
      if (p[key] !== undefined) customer[key] = p[key] === '' ? null : p[key];
    }
    if (p.metadata !== undefined)
      customer.metadata = metadata(p.metadata, 'metadata', customer.metadata);
    this.emit('customer.updated', customer, req.account);
    return this.render(customer, req.version, expands(p));
  }

  // --- subscriptions ----------------------------------------------------------------------------

  private hasPaymentMethod(sub: Obj, account: string): boolean {
    const customer = this.scope(account).get(sub.customer);
    return Boolean(sub.default_payment_method ?? customer?.invoice_settings.default_payment_method);
  }

  private createSubscription(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, [
      'customer',
      'items',
      'trial_period_days',
      'trial_settings',
      'payment_behavior',
      'payment_settings',
      'metadata',
      'default_payment_method',
      'cancel_at_period_end',
      'collection_method',
      'description',
      'proration_behavior',
      'off_session',
    ]);
    const customerId = required(p, 'customer');
    const customer = this.get(req, customerId, 'customer', 'customer');
    const items = list(required(p, 'items'), 'items');
    if (items.length === 0)
      throw invalid('Missing required param: items.', 'items', 'parameter_missing');
    const id = randomId('sub');
    const now = this.now();
    const resolved = items.map((item: Obj, i: number) => {
      const priceId = required(item, 'price', `items[${i}][price]`);
      const price = this.get(req, priceId, 'price', `items[${i}][price]`);
      if (!price.recurring) {
        throw invalid(
          `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
          `items[${i}][price]`,
        );
      }
      if (!price.active) throw invalid(`The price specified is inactive.`, `items[${i}][price]`);
      const quantity =
        item.quantity === undefined ? 1 : int(item.quantity, `items[${i}][quantity]`, 0);
      return { price, quantity };
    });
    const { currency, recurring } = resolved[0]!.price;
    for (const [i, { price }] of resolved.entries()) {
      if (
        price.currency !== currency ||
        price.recurring.interval !== recurring.interval ||
        price.recurring.interval_count !== recurring.interval_count
      ) {
        throw invalid(
          'All prices on a subscription must have the same `currency` and `recurring[interval]`.',
          `items[${i}][price]`,
        );
      }
    }
    if (customer.currency && customer.currency !== currency) {
      throw invalid(
        `You cannot combine currencies on a single customer. This customer has had a subscription or payment in ${customer.currency}, but you are trying to pay in ${currency}.`,
        'currency',
        'currency_mismatch',
      );
    }
    const trialDays =
      p.trial_period_days === undefined ? 0 : int(p.trial_period_days, 'trial_period_days', 0, 730);
    const missingPm = oneOf(
      p.trial_settings?.end_behavior?.missing_payment_method ?? 'create_invoice',
      'trial_settings[end_behavior][missing_payment_method]',
      ['cancel', 'create_invoice', 'pause'],
    );
    const paymentBehavior = oneOf(p.payment_behavior ?? 'allow_incomplete', 'payment_behavior', [
      'allow_incomplete',
      'default_incomplete',
      'error_if_incomplete',
      'pending_if_incomplete',
    ]);
    const defaultPm = p.default_payment_method ?? null;
    let status: string;
    let periodEnd: number;
    if (trialDays > 0) {
      status = 'trialing';
      periodEnd = now + trialDays * DAY;
    } else {
      periodEnd = addInterval(now, recurring.interval, recurring.interval_count);
      const canPay = Boolean(defaultPm ?? customer.invoice_settings.default_payment_method);
      if (canPay) status = 'active';
      else if (paymentBehavior === 'error_if_incomplete') {
        throw invalid(
          'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
          undefined,
          'resource_missing',
        );
      } else status = 'incomplete';
    }
    customer.currency = currency;
    const sub: Obj = {
      id,
      object: 'subscription',
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: trialDays > 0 ? periodEnd : now,
      billing_cycle_anchor_config: null,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: p.collection_method ?? 'charge_automatically',
      created: now,
      currency,
      customer: customerId,
      days_until_due: null,
      default_payment_method: defaultPm,
      default_source: null,
      description: p.description ?? null,
      discounts: [],
      ended_at: null,
      invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
      items: {
        object: 'list',
        data: resolved.map(({ price, quantity }) => ({
          id: randomId('si', 14),
          object: 'subscription_item',
          billing_thresholds: null,
          created: now,
          current_period_end: periodEnd,
          current_period_start: now,
          discounts: [],
          metadata: {},
          price: this.render(price, req.version),
          quantity,
          subscription: id,
          tax_rates: [],
        })),
        has_more: false,
        total_count: resolved.length,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      latest_invoice: null,
      livemode: false,
      metadata: metadata(p.metadata),
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: p.payment_settings?.save_default_payment_method ?? 'off',
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: now,
      status,
      test_clock: null,
      transfer_data: null,
      trial_end: trialDays > 0 ? periodEnd : null,
      trial_settings: { end_behavior: { missing_payment_method: missingPm } },
      trial_start: trialDays > 0 ? now : null,
      __payment_behavior: paymentBehavior,
    };
    this.scope(req.account).set(id, sub);
    this.emit('customer.subscription.created', sub, req.account);
    return this.render(sub, req.version, expands(p));
  }

  private updateSubscription(req: ApiRequest, id: string): Obj {
    const p = req.params;
    allow(p, [
      'cancel_at_period_end',
      'metadata',
      'default_payment_method',
      'description',
      'proration_behavior',
    ]);
    const sub = this.get(req, id, 'subscription', 'id', 404);
    if (sub.status === 'canceled') {
      throw invalid(
        'A canceled subscription can only update its cancellation_details and metadata.',
        undefined,
      );
    }
    const previous: Obj = {};
    const set = (key: string, value: unknown) => {
      if (JSON.stringify(sub[key]) === JSON.stringify(value)) return;
      previous[key] = clone(sub[key]);
      sub[key] = value;
    };
    if (p.cancel_at_period_end !== undefined) {
      const cancel = bool(p.cancel_at_period_end, 'cancel_at_period_end');
      set('cancel_at_period_end', cancel);
      set('cancel_at', cancel ? sub.items.data[0].current_period_end : null);
      set('canceled_at', cancel ? this.now() : null);
      set('cancellation_details', {
        comment: null,
        feedback: null,
        reason: cancel ? 'cancellation_requested' : null,
      });
    }
    if (p.default_payment_method !== undefined)
      set('default_payment_method', p.default_payment_method || null);
    if (p.description !== undefined) set('description', p.description || null);
    if (p.metadata !== undefined) set('metadata', metadata(p.metadata, 'metadata', sub.metadata));
    if (Object.keys(previous).length > 0) {
      this.emit('customer.subscription.updated', sub, req.account, previous);
    }
    return this.render(sub, req.version, expands(p));
  }

  private resumeSubscription(req: ApiRequest, id: string): Obj {
    const p = req.params;
    allow(p, ['billing_cycle_anchor', 'proration_behavior', 'payment_behavior']);
    const sub = this.get(req, id, 'subscription', 'id', 404);
    if (sub.status !== 'paused') {
      throw invalid(
        'Subscription is not paused, so it cannot be resumed.',
        undefined,
        'status_transition_invalid',
      );
    }
    const anchor =
      typeof p.billing_cycle_anchor === 'object'
        ? p.billing_cycle_anchor?.type
        : p.billing_cycle_anchor;
    oneOf(anchor ?? 'now', 'billing_cycle_anchor', ['now', 'unchanged']);
    const now = this.now();
    const previous = { status: sub.status, billing_cycle_anchor: sub.billing_cycle_anchor };
    sub.status = this.hasPaymentMethod(sub, req.account) ? 'active' : 'past_due';
    sub.billing_cycle_anchor = now;
    this.startPeriod(sub, now);
    this.emit('customer.subscription.resumed', sub, req.account);
    this.emit('customer.subscription.updated', sub, req.account, previous);
    return this.render(sub, req.version, expands(p));
  }

  private startPeriod(sub: Obj, start: number): void {
    for (const item of sub.items.data) {
      const { interval, interval_count } = item.price.recurring;
      item.current_period_start = start;
      item.current_period_end = addInterval(start, interval, interval_count);
    }
  }

  // --- checkout, portal, invoices -------------------------------------------------------------

  private createCheckoutSession(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, [
      'mode',
      'customer',
      'currency',
      'payment_method_types',
      'success_url',
      'cancel_url',
      'metadata',
      'setup_intent_data',
      'locale',
      'client_reference_id',
      'ui_mode',
    ]);
    const mode = oneOf(required(p, 'mode'), 'mode', ['payment', 'setup', 'subscription']);
    if (mode !== 'setup') {
      throw invalid(`The stand-in implements only mode=setup, not mode=${mode}.`, 'mode');
    }
    const customerId = p.customer;
    if (customerId !== undefined) this.get(req, customerId, 'customer', 'customer');
    const types =
      p.payment_method_types === undefined
        ? null
        : list(p.payment_method_types, 'payment_method_types');
    if (!types && p.currency === undefined) {
      throw invalid(
        'currency is required in setup mode when payment_method_types is not set.',
        'currency',
        'parameter_missing',
      );
    }
    const successUrl = url(required(p, 'success_url'), 'success_url');
    const cancelUrl = p.cancel_url === undefined ? null : url(p.cancel_url, 'cancel_url');
    const now = this.now();
    const intent: Obj = {
      id: randomId('seti'),
      object: 'setup_intent',
      created: now,
      customer: customerId ?? null,
      livemode: false,
      metadata: metadata(p.setup_intent_data?.metadata),
      payment_method: null,
      payment_method_types: types ?? ['card'],
      status: 'requires_payment_method',
      usage: 'off_session',
    };
    const id = randomId('cs_test', 58);
    const session: Obj = {
      id,
      object: 'checkout.session',
      cancel_url: cancelUrl,
      client_reference_id: p.client_reference_id ?? null,
      created: now,
      currency: p.currency ?? null,
      customer: customerId ?? null,
      expires_at: now + DAY,
      livemode: false,
      locale: p.locale ?? null,
      metadata: metadata(p.metadata),
      mode,
      payment_intent: null,
      payment_method_types: types ?? ['card'],
      payment_status: 'no_payment_required',
      setup_intent: intent.id,
      status: 'open',
      subscription: null,
      success_url: successUrl,
      ui_mode: 'hosted',
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    this.scope(req.account).set(intent.id, intent);
    this.scope(req.account).set(id, session);
    return this.render(session, req.version, expands(p));
  }

  private createPortalSession(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, ['customer', 'return_url', 'locale', 'configuration']);
    const customerId = required(p, 'customer');
    this.get(req, customerId, 'customer', 'customer');
    const id = randomId('bps');
    return {
      id,
      object: 'billing_portal.session',
      configuration: randomId('bpc'),
      created: this.now(),
      customer: customerId,
      flow: null,
      livemode: false,
      locale: p.locale ?? null,
      on_behalf_of: null,
      return_url: p.return_url === undefined ? null : url(p.return_url, 'return_url'),
      url: `https://billing.stripe.com/p/session/test_${id.slice(4)}`,
    };
  }

  private createInvoicePreview(req: ApiRequest): Obj {
    const p = req.params;
    allow(p, ['customer', 'subscription', 'subscription_details', 'currency', 'automatic_tax']);
    let customerId: string | undefined = p.customer;
    let subscriptionId: string | null = null;
    let lines: { price: Obj; quantity: number; item: string | null }[];
    if (p.subscription !== undefined) {
      const sub = this.get(req, p.subscription, 'subscription', 'subscription');
      subscriptionId = sub.id;
      customerId = sub.customer;
      lines = sub.items.data.map((i: Obj) => ({
        price: this.object(i.price.id)!,
        quantity: i.quantity,
        item: i.id,
      }));
    } else {
      const items = list(
        required(p.subscription_details ?? {}, 'items', 'subscription_details[items]'),
        'subscription_details[items]',
      );
      lines = items.map((item: Obj, i: number) => {
        const param = `subscription_details[items][${i}]`;
        const price = this.get(
          req,
          required(item, 'price', `${param}[price]`),
          'price',
          `${param}[price]`,
        );
        const quantity =
          item.quantity === undefined ? 1 : int(item.quantity, `${param}[quantity]`, 0);
        return { price, quantity, item: null };
      });
    }
    if (customerId === undefined) {
      throw invalid(
        'Must provide customer, subscription or subscription_details with a customer.',
        'customer',
        'parameter_missing',
      );
    }
    const customer = this.get(req, customerId, 'customer', 'customer');
    const currency = lines[0]?.price.currency ?? customer.currency ?? 'usd';
    const now = this.now();
    const id = randomId('upcoming_in');
    const data = lines.map(({ price, quantity, item }) => {
      const amount = priceAmount(price, quantity);
      const end = price.recurring
        ? addInterval(now, price.recurring.interval, price.recurring.interval_count)
        : now;
      return {
        id: randomId('il_tmp'),
        object: 'line_item',
        amount,
        currency: price.currency,
        description: `${quantity} × ${this.object(price.product)?.name ?? price.product}`,
        discount_amounts: [],
        discountable: true,
        discounts: [],
        invoice: id,
        livemode: false,
        metadata: {},
        parent: {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: false,
            proration_details: null,
            subscription: subscriptionId,
            subscription_item: item,
          },
        },
        period: { end, start: now },
        pretax_credit_amounts: [],
        pricing: {
          type: 'price_details',
          price_details: { price: price.id, product: price.product },
          unit_amount_decimal: null,
        },
        quantity,
        taxes: [],
      };
    });
    const total = data.reduce((sum, l) => sum + l.amount, 0);
    const invoice: Obj = {
      id,
      object: 'invoice',
      account_country: 'DK',
      amount_due: total,
      amount_paid: 0,
      amount_remaining: total,
      attempt_count: 0,
      attempted: false,
      billing_reason: subscriptionId ? 'upcoming' : 'subscription_create',
      collection_method: 'charge_automatically',
      created: now,
      currency,
      customer: customerId,
      customer_email: customer.email,
      customer_name: customer.name,
      customer_tax_ids: (customer.__tax_ids as Obj[]).map((t) => ({
        type: t.type,
        value: t.value,
      })),
      discounts: [],
      lines: {
        object: 'list',
        data,
        has_more: false,
        total_count: data.length,
        url: `/v1/invoices/${id}/lines`,
      },
      livemode: false,
      metadata: {},
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { metadata: {}, subscription: subscriptionId },
      },
      period_end: now,
      period_start: now,
      status: 'draft',
      // No tax rates and no Stripe Tax: inclusive prices are charged as they are.
      subtotal: total,
      subtotal_excluding_tax: total,
      total,
      total_discount_amounts: [],
      total_excluding_tax: total,
      total_taxes: [],
    };
    return this.render(invoice, req.version);
  }

  // --- test controls: what Stripe would do over time or in the customer's browser -------------

  private subscription(id: string): { sub: Obj; account: string } {
    const account = this.accountOf(id);
    const sub = account === undefined ? undefined : this.scope(account).get(id);
    if (!sub || sub.object !== 'subscription' || account === undefined)
      throw new Error(`no subscription ${id}`);
    return { sub, account };
  }

  /**
   * The trial runs out: with a default payment method the first paid period starts;
   * without one, trial_settings decides (pause, cancel, or an invoice that goes past due).
   * Returns the `customer.subscription.updated` event.
   */
  endTrial(id: string): Obj {
    const { sub, account } = this.subscription(id);
    if (sub.status !== 'trialing')
      throw new Error(`subscription ${id} is ${sub.status}, not trialing`);
    const previous: Obj = { status: sub.status };
    const end = sub.trial_end as number;
    if (this.hasPaymentMethod(sub, account)) {
      sub.status = 'active';
      this.startPeriod(sub, end);
    } else {
      const behaviour = sub.trial_settings.end_behavior.missing_payment_method;
      if (behaviour === 'pause') sub.status = 'paused';
      else if (behaviour === 'cancel') {
        sub.status = 'canceled';
        sub.canceled_at = end;
        sub.ended_at = end;
      } else {
        sub.status = 'past_due';
        this.startPeriod(sub, end);
      }
    }
    const updated = this.emit('customer.subscription.updated', sub, account, previous);
    if (sub.status === 'paused') this.emit('customer.subscription.paused', sub, account);
    if (sub.status === 'canceled') this.emit('customer.subscription.deleted', sub, account);
    return updated;
  }

  /** Forces a Stripe status (e.g. past_due after a failed renewal); returns the updated event. */
  setStatus(id: string, status: string): Obj {
    const { sub, account } = this.subscription(id);
    const previous = { status: sub.status };
    sub.status = status;
    if (status === 'canceled') {
      sub.ended_at = this.now();
      sub.canceled_at ??= this.now();
    }
    return this.emit('customer.subscription.updated', sub, account, previous);
  }

  /**
   * The current period ends: a subscription set to cancel at period end is canceled
   * (`customer.subscription.deleted`); otherwise the next period starts.
   */
  reachPeriodEnd(id: string): Obj {
    const { sub, account } = this.subscription(id);
    const end = sub.items.data[0].current_period_end as number;
    if (sub.cancel_at_period_end) {
      sub.status = 'canceled';
      sub.ended_at = end;
      return this.emit('customer.subscription.deleted', sub, account);
    }
    const previous = { status: sub.status };
    sub.status = this.hasPaymentMethod(sub, account) ? 'active' : 'past_due';
    this.startPeriod(sub, end);
    return this.emit('customer.subscription.updated', sub, account, previous);
  }

  /**
   * The customer enters a card on the hosted page. As on Stripe, the card is attached to the
   * customer but not made its default. Returns the `checkout.session.completed` event.
   */
  completeCheckoutSession(id: string): Obj {
    const account = this.accountOf(id);
    const session = account === undefined ? undefined : this.scope(account).get(id);
    if (!session || account === undefined || session.object !== 'checkout.session') {
      throw new Error(`no checkout session ${id}`);
    }
    const now = this.now();
    const pm: Obj = {
      id: randomId('pm'),
      object: 'payment_method',
      billing_details: { address: null, email: null, name: null, phone: null },
      card: {
        brand: 'visa',
        country: 'DK',
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        funding: 'credit',
        last4: '4242',
      },
      created: now,
      customer: session.customer,
      livemode: false,
      metadata: {},
      type: 'card',
    };
    const intent = this.scope(account).get(session.setup_intent)!;
    intent.payment_method = pm.id;
    intent.status = 'succeeded';
    session.status = 'complete';
    this.scope(account).set(pm.id, pm);
    this.emit('setup_intent.succeeded', intent, account);
    return this.emit('checkout.session.completed', session, account);
  }

  // --- webhooks -------------------------------------------------------------------------------

  /** Stripe's scheme: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.payload")>`. */
  static sign(payload: string, secret: string, timestamp: number): string {
    const signature = createHmac('sha256', secret)
      .update(`${timestamp}.${payload}`, 'utf8')
      .digest('hex');
    return `t=${timestamp},v1=${signature}`;
  }

  async deliverWebhook(
    target: string,
    event: Obj,
    secret: string,
    options: DeliverOptions = {},
  ): Promise<WebhookDelivery> {
    const payload = JSON.stringify(event, null, 2);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = StripeStandIn.sign(payload, secret, timestamp);
    let body = payload;
    if (options.tamper === true) body = payload.replace('"livemode": false', '"livemode": true');
    else if (typeof options.tamper === 'function') body = options.tamper(payload);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    };
    if (!options.omitSignature) headers['Stripe-Signature'] = signature;
    const response = await fetch(target, { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  }
}
