import type {
  WidgetAcceptanceRequest,
  WidgetAcceptanceResponse,
  WidgetConfig,
  WidgetPreviewRequest,
  WidgetPreviewResponse,
  WidgetReacceptanceResponse,
} from '@aftale/domain';

/** An HTTP failure; status 0 means the request never got an answer (network, timeout). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Worth sending again with the same idempotency key: nothing says it was refused. */
export const retryable = (e: unknown): boolean =>
  e instanceof ApiError &&
  (e.status === 0 ||
    e.status >= 500 ||
    e.status === 429 ||
    // CONFLICT on the versions means "read again"; otherwise it is a request still in flight.
    (e.status === 409 && !e.problems.some((p) => p.field.startsWith('documentVersionIds'))));

/** A fresh idempotency key; getRandomValues works on plain-http pages too, randomUUID not. */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'w_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class WidgetApi {
  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  url(path: string): string {
    return `${this.base.replace(/\/+$/, '')}/v1/widget/${path}?key=${encodeURIComponent(this.key)}`;
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        mode: 'cors',
        credentials: 'omit',
        ...init,
        signal: abort.signal,
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', String(e));
    } finally {
      clearTimeout(timer);
    }
    if (res.ok) return res;
    let body: { error?: Partial<ApiError> } = {};
    try {
      body = await res.json();
    } catch {
      // not JSON (a proxy's error page): the status says enough
    }
    const err = body.error ?? {};
    throw new ApiError(
      res.status,
      err.code ?? 'HTTP_' + res.status,
      err.message ?? res.statusText,
      Array.isArray(err.problems) ? err.problems : [],
    );
  }

  async json<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.request(
      path,
      body === undefined
        ? { cache: 'no-cache' } // revalidates with the ETag instead of refetching
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(body),
          },
    );
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError(502, 'BAD_RESPONSE', 'the response was not JSON'); // a proxy's page
    }
  }

  config(): Promise<WidgetConfig> {
    return this.json('config');
  }

  preview(body: WidgetPreviewRequest): Promise<WidgetPreviewResponse> {
    return this.json('preview', body);
  }

  /** Re-acceptance mode: the customer's last acceptance and what changed since. */
  reacceptance(customerToken: string): Promise<WidgetReacceptanceResponse> {
    return this.json('reacceptance', { customerToken });
  }

  /** Retries failures that may not have been refused, always with the same key. */
  async accept(
    body: WidgetAcceptanceRequest,
    idempotencyKey: string,
    onRetry: () => void,
    delays = [600, 1500, 3500],
  ): Promise<WidgetAcceptanceResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.json('acceptances', body, { 'Idempotency-Key': idempotencyKey });
      } catch (e) {
        const delay = delays[attempt];
        if (delay === undefined || !retryable(e)) throw e;
        onRetry();
        await sleep(delay);
      }
    }
  }

  /** Asks for the PDF, then polls until it is rendered (404 until then). */
  async pdf(body: WidgetPreviewRequest & { kind: string }): Promise<Blob> {
    const { id } = await this.json<{ id: string }>('pdfs', body);
    for (let i = 0; i < 60; i++) {
      try {
        return await (await this.request(`pdfs/${encodeURIComponent(id)}`)).blob();
      } catch (e) {
        if (!(e instanceof ApiError) || (e.status !== 404 && !retryable(e))) throw e;
      }
      await sleep(1000);
    }
    throw new ApiError(0, 'TIMEOUT', 'PDF not ready');
  }
}
