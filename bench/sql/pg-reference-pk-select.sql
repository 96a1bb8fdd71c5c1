-- pgbench reference of bench/scale-load.mjs: one row by primary key (an organization of the scale seed).
\set n random(0, 9999)
SELECT id, name, slug FROM organizations WHERE id = 'org_' || :n;
