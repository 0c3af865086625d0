import Stripe from 'stripe';
import { AftaleError } from '@aftale/domain';

export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verifies a Stripe webhook on the raw request body (the exact bytes received: a body that
 * was parsed and re-serialised no longer matches its signature) and returns the event.
 * Refusals are AftaleErrors: UNAUTHENTICATED for a missing, wrong or stale signature,
 * BAD_USER_INPUT for a body that is not a Stripe event. A blank secret or a tolerance of 0
 * (which would turn off the replay window) is a configuration error and throws plainly.
 */
export function verifyStripeWebhook(
  stripe: Stripe,
  rawBody: Buffer | string,
  signatureHeader: string | undefined,
  secret: string,
  toleranceSeconds = STRIPE_WEBHOOK_TOLERANCE_SECONDS,
): Stripe.Event {
  if (!secret || !secret.trim()) throw new Error('the Stripe webhook signing secret is not set');
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds <= 0) {
    throw new RangeError('toleranceSeconds must be positive; 0 would accept replays forever');
  }
  if (signatureHeader === undefined || signatureHeader.trim() === '') {
    throw new AftaleError(
      'UNAUTHENTICATED',
      'Missing Stripe-Signature header: webhooks are accepted only when signed by Stripe.',
    );
  }
  if (typeof rawBody !== 'string' && !Buffer.isBuffer(rawBody)) {
    throw new AftaleError('BAD_USER_INPUT', 'The webhook body must be the raw request bytes.');
  }
  if (rawBody.length === 0) {
    throw new AftaleError('BAD_USER_INPUT', 'The webhook body is empty.');
  }

  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, toleranceSeconds);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      if (/tolerance/i.test(error.message)) {
        throw new AftaleError(
          'UNAUTHENTICATED',
          `Stripe-Signature timestamp is more than ${toleranceSeconds} s old: a delayed or replayed delivery is refused.`,
        );
      }
      if (/timestamp and signatures|expected scheme/i.test(error.message)) {
        throw new AftaleError(
          'UNAUTHENTICATED',
          'Malformed Stripe-Signature header: expected "t=<unix time>,v1=<hex signature>".',
        );
      }
      throw new AftaleError(
        'UNAUTHENTICATED',
        'Stripe-Signature does not match the body: wrong signing secret, or the body was altered.',
      );
    }
    if (error instanceof SyntaxError) {
      throw new AftaleError('BAD_USER_INPUT', 'The webhook body is not JSON.');
    }
    // e.g. a thin (v2) event notification sent to the snapshot-event endpoint.
    throw new AftaleError(
      'BAD_USER_INPUT',
      `Not a Stripe snapshot event: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const shape = event as unknown as Record<string, unknown>;
  if (
    shape === null ||
    typeof shape !== 'object' ||
    shape.object !== 'event' ||
    typeof shape.id !== 'string' ||
    typeof shape.type !== 'string' ||
    typeof shape.data !== 'object' ||
    shape.data === null
  ) {
    throw new AftaleError('BAD_USER_INPUT', 'The webhook body is not a Stripe event object.');
  }
  return event;
}

function refOf(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}

/**
 * The subscription an event concerns, so the caller can re-fetch its state from Stripe
 * rather than trust the (possibly out-of-order) payload. Null for events about none.
 * Invoices name it as `parent.subscription_details.subscription` since API 2025-03-31
 * (basil) and as `subscription` before.
 */
export function subscriptionIdFromEvent(event: Pick<Stripe.Event, 'type' | 'data'>): string | null {
  const object = event.data?.object as unknown as Record<string, unknown> | undefined;
  if (!object || typeof object !== 'object') return null;
  if (event.type.startsWith('customer.subscription.')) {
    return object.object === 'subscription' ? refOf(object.id) : null;
  }
  if (event.type.startsWith('invoice.')) {
    const parent = object.parent as
      { subscription_details?: { subscription?: unknown } | null } | null | undefined;
    return refOf(parent?.subscription_details?.subscription) ?? refOf(object.subscription);
  }
  if (event.type.startsWith('checkout.session.')) {
    return refOf(object.subscription);
  }
  return null;
}
