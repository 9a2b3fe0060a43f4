import { FIXED_OIDS } from '../oids.js';
import type { Generator } from './types.js';

/**
 * The one database, the one role (the session's user owns everything, under the bootstrap
 * superuser's OID 10) and the settings. deltasql has no roles or databases of its own: whatever
 * database name a client connects with is the warehouse.
 */

export const pgDatabase: Generator = (state) => [{
  oid: FIXED_OIDS.database, datname: state.database, datdba: FIXED_OIDS.owner, encoding: 6, datlocprovider: 'c', datistemplate: false,
  datallowconn: true, datconnlimit: -1, datfrozenxid: 0, datminmxid: 1, dattablespace: FIXED_OIDS.defaultTablespace,
  datcollate: 'C.UTF-8', datctype: 'C.UTF-8', daticulocale: null, datcollversion: null, datacl: null,
}];

const role = (name: string) => ({
  oid: FIXED_OIDS.owner, rolname: name, rolsuper: true, rolinherit: true, rolcreaterole: true, rolcreatedb: true, rolcanlogin: true,
  rolreplication: false, rolconnlimit: -1, rolpassword: '********', rolvaliduntil: null, rolbypassrls: true, rolconfig: null,
});

export const pgRoles: Generator = (state) => [role(state.user)];
export const pgAuthid: Generator = (state) => [{ ...role(state.user), rolpassword: null }];
export const pgUser: Generator = (state) => [{
  usename: state.user, usesysid: FIXED_OIDS.owner, usecreatedb: true, usesuper: true, userepl: false, usebypassrls: true,
  passwd: '********', valuntil: null, useconfig: null,
}];

/** Settings every session reports, beside the ones it has SET (which win). */
const DEFAULT_SETTINGS: Record<string, string> = {
  server_version: '15.0', server_version_num: '150000', server_encoding: 'UTF8', client_encoding: 'UTF8', DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres', TimeZone: 'UTC', search_path: '"$user", public', standard_conforming_strings: 'on',
  integer_datetimes: 'on', max_identifier_length: '63', default_transaction_isolation: 'read committed',
  transaction_isolation: 'read committed', application_name: '', extra_float_digits: '1', lc_collate: 'C.UTF-8', lc_ctype: 'C.UTF-8',
  max_index_keys: '32', block_size: '8192', statement_timeout: '0', is_superuser: 'on',
};

/** The effective value of every setting: the session's over the defaults, keyed case-insensitively. */
export function effectiveSettings(session: ReadonlyMap<string, string>): Map<string, { name: string; value: string; source: string }> {
  const out = new Map<string, { name: string; value: string; source: string }>();
  for (const [name, value] of Object.entries(DEFAULT_SETTINGS)) out.set(name.toLowerCase(), { name, value, source: 'default' });
  for (const [name, value] of session) out.set(name.toLowerCase(), { name: out.get(name.toLowerCase())?.name ?? name, value, source: 'session' });
  return out;
}

export const pgSettings: Generator = (state) =>
  [...effectiveSettings(state.settings).values()]
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
    .map((s) => ({
      name: s.name, setting: s.value, unit: null, category: 'Client Connection Defaults', short_desc: '', extra_desc: null, context: 'user',
      vartype: /^\d+$/.test(s.value) ? 'integer' : 'string', source: s.source, min_val: null, max_val: null, enumvals: null,
      boot_val: DEFAULT_SETTINGS[s.name] ?? null, reset_val: DEFAULT_SETTINGS[s.name] ?? s.value, sourcefile: null, sourceline: null, pending_restart: false,
    }));
