/*
 * Inside the shadow root, so the host page's CSS cannot break the form and ours cannot
 * leak out. Vendors theme through the --aftale-* custom properties (they inherit into the
 * shadow tree) and ::part(). The host reserves its height so an async load shifts nothing;
 * vendors reserve the same before the element is defined (see README).
 */
export const CSS = `
:host{display:block;min-height:var(--aftale-min-height,34rem);contain:layout;color:var(--aftale-text,#1f2937);font:var(--aftale-font-size,1rem)/1.5 var(--aftale-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);--a:var(--aftale-accent,#1d4ed8);--at:var(--aftale-accent-text,#fff);--r:var(--aftale-radius,.5rem);--b:var(--aftale-border,#6b7280);--m:var(--aftale-muted,#4b5563);--e:var(--aftale-error,#b91c1c);--s:var(--aftale-surface,#fff)}
:host([hidden]){display:none}
*{box-sizing:border-box}
.w{background:var(--aftale-background,transparent);padding:var(--aftale-padding,0);overflow-wrap:anywhere}
h2{font-size:1.35em;margin:0 0 .75rem;line-height:1.25}
h2:focus{outline:none}
p{margin:0 0 .75rem}
.muted,.pg{color:var(--m);font-size:.9em}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
fieldset{border:0;margin:0 0 1rem;padding:0;min-width:0}
legend{padding:0;margin-bottom:.5rem;font-weight:600}
.plans{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,13rem),1fr));gap:.75rem}
.plan{border:1px solid var(--b);border-radius:var(--r);padding:.75rem 1rem;background:var(--s);cursor:pointer}
.plan[data-on]{border-color:var(--a);box-shadow:0 0 0 2px var(--a)}
.plan label{font-weight:700;font-size:1.1em;cursor:pointer;padding-left:.4rem}
.price{font-weight:600;margin:.25rem 0}
.plan p{margin:.25rem 0}
details{margin-top:.5rem}
summary{cursor:pointer;color:var(--a)}
ul{margin:.25rem 0;padding-left:1.25rem}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,9rem),1fr));gap:0 .75rem}
.f{margin-bottom:.75rem}
.f label{display:block;font-weight:600;margin-bottom:.2rem}
input,select,button{font:inherit;color:inherit}
.f input,select{width:100%;min-height:2.75rem;padding:.5rem .65rem;border:1px solid var(--b);border-radius:var(--r);background:var(--s)}
[aria-invalid=true]{border-color:var(--e);box-shadow:0 0 0 1px var(--e)}
.err{color:var(--e);font-size:.9em;margin:.2rem 0 0}
.err:empty{display:none}
:focus-visible{outline:3px solid var(--aftale-focus,var(--a));outline-offset:2px}
.btns{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:flex-end;margin-top:1rem}
button{min-height:2.75rem;padding:.5rem 1.1rem;border-radius:var(--r);border:1px solid var(--a);background:var(--s);color:var(--a);cursor:pointer;font-weight:600}
.pri{background:var(--a);color:var(--at)}
button:disabled{opacity:.55;cursor:not-allowed}
.doc{max-height:var(--aftale-document-height,22rem);overflow:auto;border:1px solid var(--b);border-radius:var(--r);padding:.75rem 1rem;background:var(--s);margin-bottom:.5rem;font-size:.95em}
.doc table{border-collapse:collapse;width:100%}
.doc td,.doc th{border:1px solid var(--b);padding:.25rem .4rem;text-align:left;vertical-align:top}
.dh{font-size:1.1em;margin:1rem 0 .5rem}
.note{border:1px solid var(--a);border-left-width:4px;border-radius:var(--r);padding:.5rem .75rem;margin:0 0 1rem}
.note p{margin:0}
.ok{border-left:4px solid var(--a);padding-left:.75rem}
.consent{display:flex;gap:.6rem;align-items:flex-start;margin:1rem 0 0;font-weight:600}
.consent input{width:1.35rem;height:1.35rem;margin:.1rem 0 0;flex:none;accent-color:var(--a)}
.alert{color:var(--e);border:1px solid var(--e);border-radius:var(--r);padding:.5rem .75rem;margin:.75rem 0}
.alert:empty{display:none}
`;
