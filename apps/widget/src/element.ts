import {
  DEFAULT_CONSENT_TEXT,
  checkCvr,
  type WidgetAcceptanceRequest,
  type WidgetAcceptanceResponse,
  type WidgetConfig,
  type WidgetDocumentRef,
  type WidgetPlan,
  type WidgetPreviewRequest,
  type WidgetPreviewResponse,
  type WidgetReacceptanceResponse,
} from '@aftale/domain';
import type { PlanDefinition, PrepaidPeriod } from '@aftale/pricing';
import { ApiError, WidgetApi, newKey } from './api';
import { documentFragment, h, type Attrs } from './dom';
import { toLocale, translate, type Locale, type MessageKey, type Vars } from './i18n';
import { formatDate, formatMoney, formatPercent, periodFor, priceFor } from './price';
import { CSS } from './styles';
import {
  COMPANY_FIELDS,
  checkCompanyField,
  checkCustomField,
  parseUsers,
  type Problem,
} from './validate';

export const WIDGET_VERSION = '1.0.0';

/** Set by the script tag (its data-* attributes) or defineAftaleSignup(); attributes win. */
export const defaults: { publishableKey?: string; apiUrl?: string } = {};

type Step = 'loading' | 'plans' | 'company' | 'review' | 'done' | 'failed' | 'current';
type Listener = (event: Event) => unknown;

const IDEM_STORE = 'aftale-signup:idempotency';
const PERIOD_WORD = { month: 'perMonth', quarter: 'perQuarter', year: 'perYear' } as const;

/** cyrb53 53-bit string hash: tells requests apart, nothing more. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

// Importing the module where there is no DOM (server-side rendering) must not throw.
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement;

function errorKey(e: unknown): MessageKey {
  if (!(e instanceof ApiError)) return 'errUnexpected';
  const s = e.status;
  if (s === 0) return 'errNetwork';
  if (s === 401 || s === 404) return 'errKey';
  if (s === 403) return 'errOrigin';
  if (s === 429) return 'errRate';
  if (s === 409) return 'errStale';
  if (s === 400) return 'errInput';
  return s >= 500 ? 'errServer' : 'errUnexpected';
}

/**
 * <aftale-signup>: plan, company details, the customer's own DPA and terms, one consent box.
 * Everything runs behind guard(): a failure is shown inside the element, never thrown into
 * the host page.
 */
export class AftaleSignup extends Base {
  static get observedAttributes(): string[] {
    return ['publishable-key', 'api-url', 'locale', 'customer-token'];
  }

  private shadow?: ShadowRoot;
  private frame!: HTMLElement;
  private main!: HTMLElement;
  private alertBox!: HTMLElement;
  private live!: HTMLElement;
  private api?: WidgetApi;
  private config?: WidgetConfig;
  private step: Step = 'loading';
  private failure: MessageKey = 'errUnexpected';
  private plan = '';
  private users = 5;
  private period: PrepaidPeriod = 'month';
  private values: Record<string, string> = {};
  private touched = new Set<string>();
  private errors: Record<string, Problem> = {};
  private preview?: WidgetPreviewResponse;
  private previewKey = '';
  private previewError?: unknown;
  private consent = false;
  private busy = false;
  private result?: WidgetAcceptanceResponse;
  /** Re-acceptance mode (`customer-token`): the last acceptance and what changed since. */
  private re?: WidgetReacceptanceResponse;
  private loads = 0;
  private idemMemo?: { k: string; b: string };

  connectedCallback(): void {
    this.guard(() => {
      if (this.shadow) return;
      this.shadow = this.attachShadow({ mode: 'open' });
      this.frame = h(
        'div',
        { part: 'root', class: 'w' },
        (this.main = h('div')),
        (this.alertBox = h('div', { role: 'alert', part: 'alert', class: 'alert' })),
        (this.live = h('p', { role: 'status', part: 'status', class: 'vh' })),
      );
      this.shadow.append(h('style', {}, CSS), this.frame);
      return this.load();
    });
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (!this.shadow || old === value) return;
    this.guard(() => (name === 'locale' ? this.render() : this.load()));
  }

  // --- plumbing ------------------------------------------------------------------------

  /** Runs fn, sync or async; anything thrown is reported inside the element. */
  private guard(fn: () => unknown): void {
    const report = (e: unknown) => {
      console.warn('<aftale-signup>', e);
      try {
        this.alert(this.t(errorKey(e)));
      } catch {
        // nothing left to report with
      }
    };
    try {
      const result = fn();
      if (result instanceof Promise) result.catch(report);
    } catch (e) {
      report(e);
    }
  }

  private on(fn: Listener): EventListener {
    return (event) => this.guard(() => fn(event));
  }

  private get locale(): Locale {
    return (
      toLocale(this.getAttribute('locale')) ??
      this.config?.defaultLocale ??
      toLocale(document.documentElement.lang) ??
      'da'
    );
  }

  private t(key: MessageKey, vars?: Vars): string {
    return translate(this.locale, key, vars);
  }

  private msg(p: Problem): string {
    return this.t(p.key, p.vars);
  }

  private $<T extends HTMLElement = HTMLElement>(id: string): T | null {
    return (this.shadow?.getElementById(id) as T | null) ?? null;
  }

  private alert(text: string): void {
    this.alertBox.textContent = text;
  }

  /** Polite announcement; cleared first so the same words are announced again. */
  private say(text: string): void {
    this.live.textContent = '';
    setTimeout(() => (this.live.textContent = text), 60);
  }

  private get plans(): WidgetPlan[] {
    return this.config?.plans ?? [];
  }

  private definition(code = this.plan): PlanDefinition | undefined {
    return this.plans.find((p) => p.code === code)?.definition as unknown as
      PlanDefinition | undefined;
  }

  // --- loading -------------------------------------------------------------------------

  private async load(): Promise<void> {
    const run = ++this.loads;
    this.step = 'loading';
    this.config = undefined;
    this.re = undefined;
    this.render();
    const key = this.getAttribute('publishable-key') ?? defaults.publishableKey;
    const base = this.getAttribute('api-url') ?? defaults.apiUrl;
    let step: Step = 'failed';
    try {
      if (!key || !base) throw new Error('errSetup');
      this.api = new WidgetApi(base, key);
      const config = await this.api.config();
      if (run !== this.loads) return; // superseded by a newer attribute change
      if (!config?.plans?.length) throw new Error('errNoPlans');
      // The definitions are priced here; a malformed one is our fault, said up front.
      const sane = (d: Partial<PlanDefinition> | undefined) =>
        Array.isArray(d?.periods) && Array.isArray(d?.tiers) && d.minUsers! <= d.maxUsers!;
      if (!config.plans.every((p) => sane(p.definition))) throw new Error('errServer');
      if (!config.documents?.some((d) => d.kind === 'dpa')) throw new Error('errNoDocs');
      const token = this.getAttribute('customer-token');
      let re: WidgetReacceptanceResponse | undefined;
      if (token !== null) {
        try {
          re = await this.api.reacceptance(token);
        } catch (e) {
          // 404: invalid, forged or another vendor's token; 400: not a token at all.
          const s = e instanceof ApiError ? e.status : 0;
          throw s === 404 || s === 400 ? new Error('errToken') : e;
        }
        if (run !== this.loads) return;
        if (!Array.isArray(re?.changed) || !re.company) throw new Error('errServer');
        this.values = { ...re.company };
      }
      this.config = config;
      this.re = re;
      // The previous plan first (re-acceptance), then the `plan` attribute, then the first.
      const wanted = [re?.planCode, this.getAttribute('plan')];
      this.plan =
        wanted.find((code) => config.plans.some((p) => p.code === code)) ?? config.plans[0]!.code;
      const def = this.definition()!;
      const users = Number(this.getAttribute('users')) || this.users;
      this.users = Math.min(Math.max(users, def.minUsers), def.maxUsers);
      this.period = periodFor(def, this.period);
      step = re && !re.changed.length ? 'current' : 'plans';
    } catch (e) {
      if (run !== this.loads) return;
      const own = e instanceof Error && /^err/.test(e.message);
      this.failure = own ? (e.message as MessageKey) : errorKey(e);
    }
    this.step = step;
    this.render();
    if (step === 'failed') this.alert(this.t(this.failure));
    else if (this.re) this.say(this.noticeText());
  }

  /** Re-acceptance: each changed document with its accepted → current version. */
  private noticeText(): string {
    const changed = this.re?.changed ?? [];
    if (!changed.length) return this.t('reNone');
    return [
      ...changed.map((c) =>
        this.t(c.acceptedVersion === null ? 'reAdded' : 'reChanged', {
          doc: this.t(c.kind === 'dpa' ? 'dpaThe' : 'termsThe'),
          from: c.acceptedVersion ?? '',
          to: c.currentVersion,
        }),
      ),
      this.t(changed.length > 1 ? 'reReadN' : 'reRead'),
    ].join(' ');
  }

  private notice(): HTMLElement | null {
    return this.re
      ? h(
          'div',
          { id: 're', class: 'note', part: 'notice', 'aria-live': 'polite' },
          h('p', {}, this.noticeText()),
        )
      : null;
  }

  // --- rendering -----------------------------------------------------------------------

  /** Draws the current step; `focus` moves focus to its heading (after a user action). */
  private render(focus = false): void {
    this.frame.lang = this.locale;
    this.frame.setAttribute('aria-busy', String(this.step === 'loading'));
    this.alert('');
    const t = (key: MessageKey, vars?: Vars) => this.t(key, vars);
    const heading = (key: MessageKey) => h('h2', { tabindex: -1, part: 'heading' }, t(key));
    const progress = (n: number) => h('p', { class: 'pg', part: 'progress' }, t('progress', { n }));
    let nodes: Array<Node | null>;
    switch (this.step) {
      case 'loading':
        nodes = [h('p', { class: 'muted' }, t('loading'))];
        break;
      case 'failed':
        nodes = [
          heading('failTitle'),
          h('p', {}, t(this.failure)),
          h(
            'div',
            { class: 'btns' },
            this.button(this.t('retry'), () => this.load()),
          ),
        ];
        break;
      case 'plans':
        nodes = [progress(1), heading('plansTitle'), this.notice(), this.plansForm()];
        break;
      case 'company':
        nodes = [progress(2), heading('companyTitle'), this.companyForm()];
        break;
      case 'review':
        nodes = [progress(3), heading('reviewTitle'), this.notice(), ...this.reviewStep()];
        break;
      case 'current':
        // Nothing changed since the last acceptance: nothing to submit.
        nodes = [heading('reNoneTitle'), this.notice()];
        break;
      case 'done': {
        const r = this.result!;
        const trial = r.subscription?.trialEndsAt;
        nodes = [
          heading(this.re ? 'reDone' : 'doneTitle'),
          h(
            'div',
            { class: 'ok', part: 'done' },
            trial ? h('p', {}, t('doneTrial', { date: formatDate(trial, this.locale) })) : null,
            h('p', {}, t('doneId', { id: r.acceptanceId })),
          ),
        ];
      }
    }
    this.main.replaceChildren(...nodes.filter((n): n is Node => !!n));
    if (this.step === 'plans') this.updatePrices();
    if (this.step === 'review') this.renderDocuments();
    if (focus) this.main.querySelector('h2')?.focus();
  }

  private button(label: string, fn: Listener, attrs: Attrs = {}): HTMLElement {
    const primary = attrs.type === 'submit' || attrs.class === 'pri';
    return h(
      'button',
      {
        type: 'button',
        class: primary ? 'pri' : null,
        part: primary ? 'button button-primary' : 'button',
        onclick: this.on(fn),
        ...attrs,
      },
      label,
    );
  }

  private form(submit: () => unknown, ...children: Node[]): HTMLElement {
    return h(
      'form',
      {
        novalidate: true,
        onsubmit: this.on((e) => {
          e.preventDefault();
          return submit();
        }),
      },
      ...children,
    );
  }

  private field(
    name: string,
    label: string,
    attrs: Attrs,
    onInput: (value: string) => void,
    onBlur: () => void,
  ): HTMLElement {
    const id = 'f-' + name.replace(/\W/g, '-');
    const problem = this.errors[name];
    return h(
      'div',
      { class: 'f', part: 'field' },
      h('label', { for: id, part: 'label' }, label),
      h('input', {
        id,
        name,
        part: 'input',
        'aria-describedby': id + '-e',
        'aria-invalid': problem ? 'true' : null,
        ...attrs,
        oninput: this.on((e) => onInput((e.target as HTMLInputElement).value)),
        onblur: this.on(onBlur),
      }),
      h(
        'p',
        { id: id + '-e', class: 'err', part: 'error', 'aria-live': 'polite' },
        problem ? this.msg(problem) : '',
      ),
    );
  }

  /** Shows (or clears) a field's error in place, so typing keeps focus and caret. */
  private showError(name: string, problem: Problem | null): void {
    if (problem) this.errors[name] = problem;
    else delete this.errors[name];
    const id = 'f-' + name.replace(/\W/g, '-');
    const input = this.$(id);
    const box = this.$(id + '-e');
    if (input) {
      if (problem) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    if (box) box.textContent = problem ? this.msg(problem) : '';
  }

  // --- step 1: plans -------------------------------------------------------------------

  private plansForm(): HTMLElement {
    const def = this.definition()!;
    const cards = this.plans.map((p, i) => {
      const id = `p${i}`;
      const radio = h('input', {
        type: 'radio',
        name: 'plan',
        id,
        value: p.code,
        checked: p.code === this.plan,
        'aria-describedby': `${id}-price` + (p.description ? ` ${id}-d` : ''),
        onchange: this.on(() => this.choosePlan(p.code)),
      });
      return h(
        'div',
        {
          class: 'plan',
          part: 'plan',
          'data-code': p.code,
          'data-on': p.code === this.plan,
          // The whole card is a target for the pointer; keyboard users have the radio.
          onclick: this.on((e) => {
            if (!(e.target as Element).closest('details,label,input')) radio.click();
          }),
        },
        radio,
        h('label', { for: id, part: 'plan-name' }, p.name),
        h('p', { class: 'price', part: 'price', id: `${id}-price` }),
        p.description ? h('p', { class: 'muted', id: `${id}-d` }, p.description) : null,
        p.modules?.length
          ? h(
              'details',
              { part: 'modules' },
              h('summary', {}, this.t('modules', { n: p.modules.length })),
              h('ul', {}, ...p.modules.map((m) => h('li', {}, m))),
            )
          : null,
      );
    });
    return this.form(
      () => this.toCompany(),
      h(
        'fieldset',
        {},
        h('legend', {}, this.t('plansLegend')),
        h('div', { class: 'plans' }, ...cards),
      ),
      h(
        'div',
        { class: 'row' },
        this.field(
          'users',
          this.t('users'),
          {
            type: 'number',
            inputmode: 'numeric',
            min: def.minUsers,
            max: def.maxUsers,
            value: this.users,
            required: true,
          },
          (value) => {
            const users = this.checkUsers(value, false);
            if (typeof users === 'number') this.users = users;
            this.updatePrices();
          },
          () => this.checkUsers(this.$<HTMLInputElement>('f-users')?.value ?? '', true),
        ),
        h(
          'div',
          { class: 'f', part: 'field' },
          h('label', { for: 'period', part: 'label' }, this.t('period')),
          h('select', {
            id: 'period',
            part: 'input',
            onchange: this.on((e) => {
              this.period = (e.target as HTMLSelectElement).value as PrepaidPeriod;
              this.updatePrices();
            }),
          }),
        ),
      ),
      h('p', { id: 'sum', part: 'summary', 'aria-live': 'polite' }),
      h(
        'div',
        { class: 'btns' },
        this.button(this.t('next'), () => 0, { type: 'submit' }),
      ),
    );
  }

  private checkUsers(value: string, show: boolean): number | Problem {
    const def = this.definition()!;
    const users = parseUsers(value, def.minUsers, def.maxUsers);
    if (typeof users === 'number') this.showError('users', null);
    else if (show || this.errors['users']) this.showError('users', users);
    return users;
  }

  private choosePlan(code: string): void {
    this.plan = code;
    const def = this.definition()!;
    this.period = periodFor(def, this.period);
    const input = this.$<HTMLInputElement>('f-users');
    if (input) {
      input.min = String(def.minUsers);
      input.max = String(def.maxUsers);
      this.checkUsers(input.value, !!this.errors['users']);
    }
    this.shadow!.querySelectorAll('.plan').forEach((card) =>
      card.toggleAttribute('data-on', card.getAttribute('data-code') === code),
    );
    this.updatePrices();
  }

  /** Live prices from the shared engine: every card, the period choices and the summary. */
  private updatePrices(): void {
    const loc = this.locale;
    this.plans.forEach((p, i) => {
      const def = p.definition as unknown as PlanDefinition;
      const q = priceFor(def, this.users, periodFor(def, this.period));
      const el = this.$(`p${i}-price`);
      if (el) {
        el.textContent = q
          ? `${formatMoney(q.monthlyEquivalentInclVat, q, loc)} ${this.t('monthly')} ${this.t('inclVat')}`
          : this.t('noPrice', { users: this.users });
      }
    });
    const def = this.definition()!;
    const select = this.$<HTMLSelectElement>('period');
    select?.replaceChildren(
      ...def.periods.map((o) =>
        h(
          'option',
          { value: o.period, selected: o.period === this.period },
          this.t(o.period) +
            (o.discountBasisPoints
              ? ` (${this.t('discount', { pct: formatPercent(o.discountBasisPoints, loc) })})`
              : ''),
        ),
      ),
    );
    const q = priceFor(def, this.users, this.period);
    const sum = this.$('sum');
    if (!sum) return;
    sum.textContent = q
      ? [
          this.t('summary', {
            plan: this.plans.find((p) => p.code === this.plan)!.name,
            users: this.users,
            total: formatMoney(q.totalInclVat, q, loc),
            period: this.t(PERIOD_WORD[q.period]),
            vat: formatMoney(q.vat, q, loc),
          }),
          q.trialEndsAt
            ? this.t('trial', { days: def.trialDays, date: formatDate(q.firstChargeAt, loc) })
            : '',
        ].join(' ')
      : this.t('usersRange', { min: def.minUsers, max: def.maxUsers });
  }

  private toCompany(): void {
    const users = this.checkUsers(this.$<HTMLInputElement>('f-users')?.value ?? '', true);
    if (typeof users !== 'number') {
      this.$('f-users')?.focus();
      return;
    }
    this.users = users;
    this.step = 'company';
    this.render(true);
  }

  // --- step 2: company -----------------------------------------------------------------

  /** Every field of the form with its checker, standard fields first. */
  private checks(): Array<[string, () => Problem | null]> {
    const value = (name: string) => this.values[name] ?? '';
    return [
      ...COMPANY_FIELDS.map((spec): [string, () => Problem | null] => [
        spec.name,
        () => checkCompanyField(spec, value(spec.name), this.t(spec.name)),
      ]),
      ...(this.config?.customFields ?? []).map((f): [string, () => Problem | null] => [
        f.path,
        () => checkCustomField(f, value(f.path)),
      ]),
    ];
  }

  private check(name: string, onBlur: boolean): void {
    const checker = this.checks().find(([n]) => n === name)?.[1];
    if (!checker) return;
    // Leaving an untouched empty field says nothing yet; submitting does.
    if (onBlur && !this.touched.has(name)) return;
    const problem = checker();
    if (onBlur || !problem || this.errors[name]) this.showError(name, problem);
  }

  private companyForm(): HTMLElement {
    const input = (name: string) => (value: string) => {
      this.values[name] = value;
      this.touched.add(name);
      if (this.errors[name]) this.check(name, false);
    };
    const blur = (name: string) => () => this.check(name, true);
    const fields = COMPANY_FIELDS.map((spec) =>
      this.field(
        spec.name,
        this.t(spec.name),
        {
          type: spec.type ?? 'text',
          inputmode: spec.inputmode,
          autocomplete: spec.autocomplete,
          maxlength: spec.max,
          required: true,
          value: this.values[spec.name] ?? '',
        },
        input(spec.name),
        blur(spec.name),
      ),
    );
    const custom = (this.config?.customFields ?? []).map((f) =>
      this.field(
        f.path,
        f.label,
        {
          type: f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : 'text',
          maxlength: f.maxLength,
          required: f.required,
          value: this.values[f.path] ?? '',
        },
        input(f.path),
        blur(f.path),
      ),
    );
    const [name, address, postal, city, ...rest] = fields;
    return this.form(
      () => this.toReview(),
      name!,
      address!,
      h('div', { class: 'row' }, postal!, city!),
      ...rest,
      ...custom,
      h(
        'div',
        { class: 'btns' },
        this.button(this.t('back'), () => this.go('plans')),
        this.button(this.t('next'), () => 0, { type: 'submit' }),
      ),
    );
  }

  private go(step: Step): void {
    this.step = step;
    this.render(true);
  }

  private toReview(): void {
    const bad = this.checks().filter(([name, checker]) => {
      const problem = checker();
      this.showError(name, problem);
      return !!problem;
    });
    if (bad.length) {
      this.alert(this.t('fixErrors', { n: bad.length }));
      this.$('f-' + bad[0]![0].replace(/\W/g, '-'))?.focus();
      return;
    }
    this.go('review');
  }

  // --- step 3: read and accept ---------------------------------------------------------

  private request(): WidgetPreviewRequest {
    const v = (name: string) => (this.values[name] ?? '').trim();
    const cvr = checkCvr(v('cvr'));
    const custom: Record<string, string> = {};
    for (const f of this.config?.customFields ?? []) {
      if (v(f.path)) custom[f.path.replace(/^custom\./, '')] = v(f.path);
    }
    return {
      company: {
        name: v('name'),
        address: v('address'),
        postalCode: v('postalCode'),
        city: v('city'),
        cvr: cvr.valid ? cvr.cvr : v('cvr'),
        contactName: v('contactName'),
        contactEmail: v('contactEmail'),
      },
      planCode: this.plan,
      custom,
      locale: this.locale,
    };
  }

  private consentText(): string {
    return this.config?.consentText?.[this.locale] || DEFAULT_CONSENT_TEXT[this.locale];
  }

  private reviewStep(): Node[] {
    return [
      h('p', {}, this.t('reviewIntro')),
      h('div', { id: 'docs', 'aria-live': 'polite' }),
      h(
        'div',
        { class: 'consent', part: 'consent' },
        h('input', {
          type: 'checkbox',
          id: 'consent',
          part: 'checkbox',
          checked: this.consent,
          'aria-describedby': 'hint',
          onchange: this.on((e) => {
            this.consent = (e.target as HTMLInputElement).checked;
            this.syncAccept();
          }),
        }),
        h('label', { for: 'consent' }, this.consentText()),
      ),
      h('p', { id: 'hint', class: 'muted' }),
      h(
        'div',
        { class: 'btns' },
        this.button(this.t('back'), () => this.go('company')),
        this.button(this.t(this.re ? 'reAccept' : 'accept'), () => this.submit(), {
          id: 'accept',
          class: 'pri',
        }),
      ),
    ];
  }

  /** Accept is disabled until the box is ticked; while sending it stays focusable but inert. */
  private syncAccept(): void {
    const button = this.$<HTMLButtonElement>('accept');
    const box = this.$<HTMLInputElement>('consent');
    if (!button || !box) return;
    box.disabled = !this.preview;
    box.checked = this.consent;
    button.disabled = !(this.consent && this.preview);
    button.setAttribute('aria-disabled', String(this.busy || button.disabled));
    button.textContent = this.t(this.busy ? 'sending' : this.re ? 'reAccept' : 'accept');
    this.$('hint')!.textContent = this.consent ? '' : this.t('acceptHint');
  }

  private renderDocuments(): void {
    const box = this.$('docs')!;
    const key = JSON.stringify(this.request());
    if (this.preview && this.previewKey === key) {
      box.replaceChildren(
        ...this.preview.documents.map((d, i) =>
          h(
            'section',
            {},
            h(
              'h3',
              { class: 'dh', id: `d${i}` },
              `${d.title} (${this.t('version', { v: d.version })})`,
            ),
            h(
              'div',
              {
                class: 'doc',
                part: 'document',
                tabindex: 0,
                role: 'region',
                'aria-labelledby': `d${i}`,
              },
              documentFragment(d.html),
            ),
            this.button(this.t('pdf', { title: d.title }), (e) =>
              this.download(d, e.currentTarget as HTMLElement),
            ),
          ),
        ),
      );
    } else if (this.previewError && this.previewKey === key) {
      box.replaceChildren(
        h('p', { part: 'error', class: 'err' }, this.t(errorKey(this.previewError))),
        this.button(this.t('retry'), () => {
          this.previewKey = '';
          this.renderDocuments();
        }),
      );
    } else {
      box.replaceChildren(h('p', { class: 'muted' }, this.t('docsLoading')));
      this.preview = undefined;
      this.consent = false;
      this.guard(() => this.loadPreview(key));
    }
    this.syncAccept();
  }

  private async loadPreview(key: string): Promise<void> {
    this.previewKey = key;
    this.previewError = undefined;
    try {
      const preview = await this.api!.preview(JSON.parse(key) as WidgetPreviewRequest);
      if (this.previewKey !== key) return;
      this.preview = preview;
      this.say(this.t('docsReady'));
    } catch (e) {
      if (this.previewKey !== key) return;
      if (this.toFieldErrors(e)) return;
      this.previewError = e;
    }
    if (this.step === 'review') this.renderDocuments();
  }

  /** Sends the customer back to the form when the server refused a typed value. */
  private toFieldErrors(e: unknown): boolean {
    if (!(e instanceof ApiError) || e.status !== 400) return false;
    const names = this.checks().map(([n]) => n);
    const hits = e.problems
      .map((p) => ({ ...p, name: p.field.replace(/^(.*\.)?(company\.|(?=custom\.))/, '') }))
      .filter((p) => names.includes(p.name));
    if (!hits.length) return false;
    this.previewKey = '';
    this.step = 'company';
    this.render(true);
    for (const p of hits) {
      // Our own words when our check agrees, else the server's reason as sent.
      const own = this.checks().find(([n]) => n === p.name)![1]();
      this.showError(p.name, own ?? { key: 'serverSaid', vars: { text: p.message } });
    }
    this.alert(this.t('errInput'));
    return true;
  }

  private async download(doc: WidgetDocumentRef, button: HTMLElement): Promise<void> {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    this.say(this.t('pdfWorking'));
    try {
      const blob = await this.api!.pdf({ ...this.request(), kind: doc.kind });
      const url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
      h('a', { href: url, download: `${doc.title.replace(/[\\/:*?"<>|]+/g, ' ')}.pdf` }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.say(this.t('pdfReady'));
    } catch {
      this.alert(this.t('pdfFailed'));
    } finally {
      button.removeAttribute('aria-busy');
    }
  }

  /**
   * The idempotency key lives as long as the request it was made for, and survives a reload
   * in the same tab. Only a hash of the request is kept: no customer data in storage.
   */
  private idempotencyKey(body: string): string {
    const b = hash(body);
    let saved = this.idemMemo;
    try {
      saved = JSON.parse(sessionStorage.getItem(IDEM_STORE) ?? 'null') ?? saved;
    } catch {
      // storage blocked (sandboxed frame): a key per page load still makes retries safe
    }
    if (saved?.b !== b) saved = { k: newKey(), b };
    this.idemMemo = saved;
    try {
      sessionStorage.setItem(IDEM_STORE, JSON.stringify(saved));
    } catch {
      // as above
    }
    return saved.k;
  }

  private async submit(): Promise<void> {
    if (this.busy || !this.consent || !this.preview) return; // a double click sends once
    this.busy = true;
    this.alert('');
    this.syncAccept();
    this.say(this.t('sending'));
    const body: WidgetAcceptanceRequest = {
      ...this.request(),
      users: this.users,
      period: this.period,
      documentVersionIds: this.preview.documents.map((d) => d.versionId),
      consent: true,
      consentText: this.consentText(),
      pageUrl: location.origin + location.pathname,
      widgetVersion: WIDGET_VERSION,
      ...(this.re ? { customerToken: this.getAttribute('customer-token') ?? '' } : {}),
    };
    // A re-acceptance is a new acceptance: its key never matches the previous one's.
    const key = this.idempotencyKey(JSON.stringify(body) + (this.re?.previousAcceptanceId ?? ''));
    try {
      this.result = await this.api!.accept(
        { ...body, clientTime: new Date().toISOString() },
        key,
        () => this.say(this.t('retrying')),
      );
    } catch (e) {
      this.busy = false;
      if (this.toFieldErrors(e)) return;
      if (errorKey(e) === 'errStale') {
        this.previewKey = ''; // fetch the new versions and ask for a fresh tick
        this.renderDocuments();
      }
      this.syncAccept();
      this.alert(this.t(errorKey(e)));
      return;
    }
    this.busy = false;
    this.go('done');
    const r = this.result;
    const event = new CustomEvent('aftale:accepted', {
      detail: { acceptanceId: r.acceptanceId, token: r.token, subscription: r.subscription },
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    // A throwing vendor listener is reported by the browser, not thrown here.
    if (this.dispatchEvent(event)) this.redirect(r.acceptanceId);
  }

  private redirect(acceptanceId: string): void {
    const target = this.getAttribute('redirect-url');
    if (!target) return;
    const url = new URL(target, location.href);
    if (!/^https?:$/.test(url.protocol)) return; // never a javascript: URL
    url.searchParams.set('acceptance_id', acceptanceId);
    location.assign(url.href);
  }
}
