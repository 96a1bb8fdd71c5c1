import { createHash } from 'node:crypto';

/**
 * The page's stylesheet, served as a file (`style-src 'self'`: no inline style under the page's CSP).
 * Colours keep at least 4.5:1 contrast against their background, in light and dark schemes.
 */
export const STYLES = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#111827;--muted:#4b5563;--line:#e5e7eb;
--brand:#4338ca;--brand-hover:#3730a3;--brand-text:#fff;--danger:#b91c1c;--danger-bg:#fef2f2;
--ok:#166534;--ok-bg:#f0fdf4;--warn-bg:#fffbeb;--warn:#92400e;--focus:#2563eb}
@media (prefers-color-scheme:dark){:root{--bg:#0b0d12;--card:#151821;--text:#f3f4f6;--muted:#b6bcc8;
--line:#2a2f3b;--brand:#818cf8;--brand-hover:#a5b4fc;--brand-text:#0b0d12;--danger:#fca5a5;
--danger-bg:#2a1414;--ok:#86efac;--ok-bg:#0f2417;--warn-bg:#2a200b;--warn:#fcd34d;--focus:#93c5fd}}
*{box-sizing:border-box}
html{font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
background:var(--bg);color:var(--text);line-height:1.5;-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;padding:3rem 1rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:650;letter-spacing:-.01em;margin-bottom:1.5rem;
color:var(--muted)}
.logo{width:1.75rem;height:1.75rem;border-radius:.5rem;background:var(--brand);color:var(--brand-text);
display:grid;place-items:center;font-size:.95rem;font-weight:700}
main{width:100%;max-width:30rem;background:var(--card);border:1px solid var(--line);border-radius:1rem;
padding:2rem;box-shadow:0 1px 2px rgb(0 0 0/.04),0 8px 24px rgb(0 0 0/.06)}
.eyebrow{margin:0 0 .25rem;font-size:.8rem;font-weight:600;text-transform:uppercase;letter-spacing:.06em;
color:var(--muted)}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem;letter-spacing:-.02em}
p{margin:0 0 1rem}.lead{color:var(--muted)}.lead strong{color:var(--text)}
dl{margin:1.25rem 0;padding:0;border-top:1px solid var(--line)}
dl div{display:flex;justify-content:space-between;gap:1rem;padding:.6rem 0;border-bottom:1px solid var(--line)}
dt{color:var(--muted)}dd{margin:0;font-weight:550;text-align:right;overflow-wrap:anywhere}
form{margin:0}.actions{display:flex;flex-direction:column;gap:.6rem;margin-top:1.5rem}
.row{display:flex;gap:.6rem}.row>*{flex:1}
button,.button{font:inherit;font-weight:600;border-radius:.6rem;padding:.7rem 1rem;border:1px solid transparent;
cursor:pointer;text-align:center;text-decoration:none;display:inline-block;width:100%}
.primary{background:var(--brand);color:var(--brand-text)}.primary:hover{background:var(--brand-hover)}
.secondary{background:transparent;color:var(--text);border-color:var(--line)}.secondary:hover{border-color:var(--muted)}
.link{background:none;border:0;padding:0;width:auto;color:var(--brand);text-decoration:underline;font-weight:500}
button:focus-visible,.button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid var(--focus);
outline-offset:2px}
label{display:block;font-weight:600;margin-bottom:.35rem}
input{font:inherit;width:100%;padding:.65rem .75rem;border:1px solid var(--muted);border-radius:.6rem;
background:var(--card);color:var(--text);margin-bottom:.75rem}
.hint{font-size:.875rem;color:var(--muted)}
.notice{border-radius:.6rem;padding:.75rem 1rem;margin:1rem 0;font-size:.95rem}
.notice.error{background:var(--danger-bg);color:var(--danger)}.notice.ok{background:var(--ok-bg);color:var(--ok)}
.notice.warn{background:var(--warn-bg);color:var(--warn)}.notice p:last-child{margin-bottom:0}
.dev{border:2px dashed var(--warn);border-radius:.75rem;padding:1rem;margin-top:1.5rem}
.dev .tag{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.06em;
background:var(--warn-bg);color:var(--warn);border-radius:.4rem;padding:.1rem .45rem;margin-bottom:.5rem}
.who{font-size:.95rem;color:var(--muted);margin-top:1rem}.who strong{color:var(--text)}
footer{margin-top:1.5rem;font-size:.8rem;color:var(--muted)}
`;

/** Where the stylesheet is served: its content hash in the name, so it can be cached for good. */
export const STYLES_FILE = `page-${createHash('sha256').update(STYLES).digest('hex').slice(0, 12)}.css`;

/** The page's icon (so the browser does not ask for a /favicon.ico this server lacks). */
export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4338ca"/><path d="M9 11l7 5 7-5M9 11h14v11H9z" fill="none" stroke="#fff" stroke-width="2" stroke-linejoin="round"/></svg>`;
