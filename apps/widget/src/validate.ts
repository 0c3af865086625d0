import { checkCvr, type WidgetCompany, type WidgetCustomField } from '@aftale/domain';
import type { MessageKey, Vars } from './i18n';

/** A field's problem as a message key, so it renders in the customer's language. */
export interface Problem {
  key: MessageKey;
  vars?: Vars;
}

export interface FieldSpec {
  name: keyof WidgetCompany;
  max: number;
  autocomplete: string;
  type?: string;
  inputmode?: string;
}

/** The company form, in the order it is shown (and tabbed through). */
export const COMPANY_FIELDS: FieldSpec[] = [
  { name: 'name', max: 200, autocomplete: 'organization' },
  { name: 'address', max: 200, autocomplete: 'street-address' },
  { name: 'postalCode', max: 4, autocomplete: 'postal-code', inputmode: 'numeric' },
  { name: 'city', max: 100, autocomplete: 'address-level2' },
  { name: 'cvr', max: 20, autocomplete: 'off', inputmode: 'numeric' },
  { name: 'contactName', max: 200, autocomplete: 'name' },
  { name: 'contactEmail', max: 254, autocomplete: 'email', type: 'email' },
];

// The same shape the server accepts for custom e-mail fields (libs/documents).
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
const NUMBER = /^-?\d{1,15}(?:[.,]\d{1,10})?$/;

/** The CVR check's reason, as a message key (checkCvr's wording is English, for the API). */
export function cvrProblem(value: string): Problem | null {
  const check = checkCvr(value);
  if (check.valid) return null;
  if (/8 digits/.test(check.reason)) return { key: 'cvrDigits' };
  if (/starts with 0/.test(check.reason)) return { key: 'cvrZero' };
  return { key: 'cvrCheck' };
}

export function checkCompanyField(spec: FieldSpec, raw: string, label: string): Problem | null {
  const value = raw.trim();
  if (!value) return { key: 'required', vars: { field: label } };
  if (value.length > spec.max) return { key: 'tooLong', vars: { field: label, max: spec.max } };
  switch (spec.name) {
    case 'cvr':
      return cvrProblem(value);
    case 'postalCode':
      return /^\d{4}$/.test(value) ? null : { key: 'postalFormat' };
    case 'contactEmail':
      return EMAIL.test(value) ? null : { key: 'email' };
    default:
      return null;
  }
}

/** Mirrors the server's rule for a vendor's custom field; the server checks again. */
export function checkCustomField(field: WidgetCustomField, raw: string): Problem | null {
  const value = raw.trim();
  const label = field.label;
  if (!value) return field.required ? { key: 'required', vars: { field: label } } : null;
  if (value.length > field.maxLength) {
    return { key: 'tooLong', vars: { field: label, max: field.maxLength } };
  }
  switch (field.kind) {
    case 'email':
      return EMAIL.test(value) ? null : { key: 'email' };
    case 'url':
      return /^https?:\/\/[^\s/]+\.[^\s]+$/i.test(value) ? null : { key: 'url' };
    case 'cvr':
      return cvrProblem(value);
    case 'number':
      return NUMBER.test(value) ? null : { key: 'number' };
    case 'regex': {
      let rule: RegExp;
      try {
        rule = new RegExp(`^(?:${field.pattern ?? ''})$`, 'u');
      } catch {
        return null; // a rule the browser cannot compile is left to the server
      }
      return rule.test(value) ? null : { key: 'pattern', vars: { field: label } };
    }
    default:
      return null;
  }
}

export function parseUsers(raw: string, min: number, max: number): number | Problem {
  const users = /^\s*\d{1,6}\s*$/.test(raw) ? Number(raw) : NaN;
  return users >= min && users <= max ? users : { key: 'usersRange', vars: { min, max } };
}
