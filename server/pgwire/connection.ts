import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { Catalog } from '../../planner/catalog.js';
import { splitStatements, type CopyOptions, type ParamValue } from '../../planner/index.js';
import { Session, completionTag, type PreparedStatement, type QueryResult } from '../session.js';
import type { TransactionStatus } from '../session/transaction.js';
import { authenticate, authRequired, isLoopback, type AuthConfig } from './auth.js';
import { encodeCopyData, encodeCopyDone, encodeCopyResponse } from './backend/rows.js';
import {
  encodeAuthenticationOk, encodeBackendKeyData, encodeBindComplete, encodeCloseComplete, encodeCommandComplete,
  encodeEmptyQueryResponse, encodeNoData, encodeParameterDescription, encodeParameterStatus, encodeParseComplete,
  encodePortalSuspended, encodeReadyForQuery,
} from './backend/session-messages.js';
import { binaryParamToText } from './binary-values.js';
import { FrontendCode } from './codes.js';
import { copyBatches } from './copy-in.js';
import { copyHeader, copyRows } from './copy-out.js';
import { encodeErrorResponse, encodeNoticeResponse } from './error-response.js';
import { FrameReader, type Frame } from './frame-reader.js';
import { parseFrontend, parseStartup, type BindMessage, type FrontendMessage } from './frontend/index.js';
import { encodeRows, encodeSchema, formatOf } from './result-rows.js';

/** What a connection needs from its server. */
export interface ConnectionContext {
  readonly catalog: Catalog;
  readonly auth?: AuthConfig;
  readonly tls?: SecureContext;
  readonly maxMessageBytes?: number;
  /** Registers the connection's BackendKeyData so a CancelRequest can find it. */
  register(connection: Connection): { processId: number; secretKey: number };
  unregister(connection: Connection): void;
  /** A CancelRequest arrived: cancel the matching connection's running statement. */
  cancel(processId: number, secretKey: number): void;
  /** Internal errors (XX000) are logged with their stack; the client gets the message only. */
  log(message: string, err?: unknown): void;
}

/** A bound portal: a statement with its parameter values, started at its first Execute. */
interface Portal {
  readonly statement: PreparedStatement;
  readonly params: readonly ParamValue[];
  readonly resultFormats: readonly number[];
  result?: QueryResult;
  iterator?: AsyncIterator<arrow.RecordBatch>;
  /** Rows of a batch not yet sent when a row limit stopped mid-batch. */
  pending?: { batch: arrow.RecordBatch; from: number };
  rows: number;
  done: boolean;
}

/** Frames and frame bytes queued before the socket is paused (memory per client stays bounded). */
const MAX_QUEUED_FRAMES = 1000;
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** The longest rows below a high-water mark's worth stay queued waiting for the rest of the answer. */
const FLUSH_DELAY_MS = 1;

/** Rows per socket write when a batch is large (keeps memory per client bounded). */
const ROWS_PER_WRITE = 4096;

/**
 * One client connection: startup (SSL / GSSENC negotiation, cancel requests, the StartupMessage,
 * authentication), then the simple and extended query protocols, COPY, over one `Session`.
 * Messages are handled strictly in order by one async loop; output is written with
 * backpressure (a slow client pauses its own statement, never the server). A protocol
 * violation answers `08P01` and closes this connection only; a bug answers `XX000` to this
 * client only.
 */
export class Connection {
  private socket: Socket;
  private readonly reader: FrameReader;
  private readonly queue: Frame[] = [];
  /** Body bytes of the queued frames (a COPY FROM STDIN client may send faster than the load writes). */
  private queuedBytes = 0;
  private waiting: ((frame: Frame | undefined) => void) | undefined;
  private closed = false;
  private session: Session | undefined;
  private unnamed: PreparedStatement | undefined;
  private readonly portals = new Map<string, Portal>();
  /** After an error in the extended protocol, messages are skipped until Sync. */
  private skipToSync = false;
  /** The running statement's cancel switch (a CancelRequest or the client going away aborts it). */
  private running: AbortController | undefined;
  /** Output is queued in the corked socket (see `send`), and a delayed flush is pending. */
  private corked = false;
  private flushScheduled = false;
  processId = 0;
  secretKey = 0;

  constructor(socket: Socket, private readonly context: ConnectionContext) {
    this.socket = socket;
    this.reader = new FrameReader(context.maxMessageBytes);
    this.attach(socket);
    socket.on('close', () => this.onClose());
    socket.on('error', () => this.onClose());
    void this.run();
  }

  /** Cancels the statement running now (if any): it fails with `57014`. */
  cancelRunning(): void {
    this.running?.abort();
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    try {
      this.enqueue(this.reader.push(chunk));
    } catch (err) {
      this.protocolViolation(err);
    }
  }

  private enqueue(frames: Frame[]): void {
    for (const f of frames) {
      this.queue.push(f);
      this.queuedBytes += f.body.length;
    }
    // Stop reading from a client that sends faster than we answer (pipelined floods, bulk COPY data).
    if (this.queue.length > MAX_QUEUED_FRAMES || this.queuedBytes > MAX_QUEUED_BYTES) this.socket.pause();
    this.wake();
  }

  private wake(): void {
    if (this.waiting === undefined) return;
    if (this.queue.length === 0 && !this.closed) return;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve(this.dequeue());
  }

  private dequeue(): Frame | undefined {
    const f = this.queue.shift();
    if (f !== undefined) this.queuedBytes -= f.body.length;
    if (this.socket.isPaused() && this.queue.length < MAX_QUEUED_FRAMES / 10 && this.queuedBytes < MAX_QUEUED_BYTES / 2) this.socket.resume();
    return f;
  }

  /** The next message, or undefined once the client has gone. */
  private next(): Promise<Frame | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.dequeue());
    if (this.closed) return Promise.resolve(undefined);
    this.flush(); // everything answered so far goes out before we wait for the client
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.running?.abort(); // a client that disconnects mid-result stops its statement
    this.context.unregister(this);
    this.wake();
  }

  /**
   * Queues a message for the client. The socket stays corked while a message is being answered,
   * so a whole answer (ParseComplete … DataRows … ReadyForQuery) leaves in one write system call
   * and one TCP segment, not one per message (with Nagle off, each write is a packet of its
   * own). `flush` sends what is queued; it runs before waiting for the client or for drain.
   */
  private send(message: Buffer): void {
    if (this.closed) return;
    if (!this.corked) {
      this.socket.cork();
      this.corked = true;
    }
    this.socket.write(message);
  }

  private flushSoon(): void {
    if (!this.corked || this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      this.flush();
    }, FLUSH_DELAY_MS);
  }

  /** Sends the queued messages now (see `send`). */
  private flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  /** ReadyForQuery ends an answer: like PostgreSQL, output is flushed there (a pipelining client sees each answer as it completes). */
  private readyForQuery(status: TransactionStatus): void {
    this.send(encodeReadyForQuery(status));
    this.flush();
  }

  /**
   * Called after each chunk of rows: once a high-water mark's worth is queued, flushes and waits
   * while the socket's buffer stays over it (backpressure per client). Less than that stays
   * queued so a small result leaves with its CommandComplete and ReadyForQuery; a flush is
   * still scheduled `FLUSH_DELAY_MS` later, so rows of a result that arrive slowly (a scan
   * waiting on the disk) never wait for the next ones.
   */
  private async drained(): Promise<void> {
    if (this.socket.writableLength < this.socket.writableHighWaterMark) {
      this.flushSoon();
      return;
    }
    this.flush();
    if (this.closed || !this.socket.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private protocolViolation(err: unknown): void {
    const e = err instanceof SqlError ? err : new SqlError('08P01', String(err));
    this.send(encodeErrorResponse(e, 'FATAL'));
    this.close();
  }

  private close(): void {
    this.flush();
    if (!this.closed) this.socket.end();
    this.onClose();
  }

  // ── the message loop ──

  private async run(): Promise<void> {
    try {
      if (!(await this.startup())) return;
      for (;;) {
        const frame = await this.next();
        if (frame === undefined) return;
        const message = parseFrontend(frame);
        if (message.kind === 'terminate') return this.close();
        await this.handle(message);
      }
    } catch (err) {
      if (err instanceof SqlError && (err.sqlstate === '08P01' || err.sqlstate.startsWith('28'))) {
        this.send(encodeErrorResponse(err, 'FATAL'));
      } else if (!this.closed) {
        this.context.log('pgwire connection failed', err);
        this.send(encodeErrorResponse(SqlError.from(err), 'FATAL'));
      }
      this.close();
    }
  }

  /** Pre-startup requests, the StartupMessage and authentication. False when the connection ends here. */
  private async startup(): Promise<boolean> {
    for (;;) {
      const frame = await this.next();
      if (frame === undefined) return false;
      const message = parseStartup(frame.body);
      switch (message.kind) {
        case 'sslRequest':
          if (this.context.tls === undefined || this.socket instanceof TLSSocket) {
            this.send(Buffer.from('N'));
            this.enqueue(this.reader.drain());
            continue;
          }
          this.flush();
          this.socket.write(Buffer.from('S'));
          this.upgradeToTls(this.context.tls);
          continue;
        case 'gssEncRequest':
          this.send(Buffer.from('N'));
          this.enqueue(this.reader.drain());
          continue;
        case 'cancelRequest':
          this.context.cancel(message.processId, message.secretKey);
          this.close();
          return false;
        case 'startup':
          this.reader.startupDone();
          this.enqueue(this.reader.drain());
          return this.begin(message.parameters);
      }
    }
  }

  private upgradeToTls(context: SecureContext): void {
    const raw = this.socket;
    raw.removeAllListeners('data');
    const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.socket = tls;
    this.attach(tls);
    tls.on('error', () => this.onClose());
    tls.on('close', () => this.onClose());
  }

  private async begin(parameters: ReadonlyMap<string, string>): Promise<boolean> {
    const user = parameters.get('user');
    if (user === undefined || user === '') throw new SqlError('28000', 'no PostgreSQL user name specified in startup packet');
    if (authRequired(this.context.auth)) {
      await authenticate(this.context.auth as AuthConfig, user, {
        send: (m) => this.send(m),
        nextPassword: async () => {
          const frame = await this.next();
          if (frame === undefined) throw new SqlError('08006', 'the client closed the connection during authentication');
          if (frame.code !== FrontendCode.password) throw new SqlError('08P01', `expected a password response, got message type "${String.fromCharCode(frame.code)}"`);
          return Buffer.from(frame.body);
        },
      });
    } else if (!isLoopback(this.socket.remoteAddress)) {
      throw new SqlError('28000', `no password is configured, so only loopback clients may connect (host "${this.socket.remoteAddress ?? '?'}", user "${user}")`, { hint: 'Start the server with --password or --users to accept remote clients.' });
    }
    // As PostgreSQL: the database defaults to the user name (libpq sends both anyway).
    this.session = new Session(this.context.catalog, startupSettings(parameters), parameters.get('database') || user);
    this.send(encodeAuthenticationOk());
    for (const [name, value] of this.session.settings.reportedSnapshot()) this.send(encodeParameterStatus(name, value));
    const key = this.context.register(this);
    this.processId = key.processId;
    this.secretKey = key.secretKey;
    this.send(encodeBackendKeyData(key.processId, key.secretKey));
    this.readyForQuery('I');
    return true;
  }

  private get sessionOrFail(): Session {
    if (this.session === undefined) throw SqlError.internal('no session before startup');
    return this.session;
  }

  private async handle(message: FrontendMessage): Promise<void> {
    if (this.skipToSync && message.kind !== 'sync') return;
    switch (message.kind) {
      case 'query': return this.simpleQuery(message.sql);
      case 'sync': return this.sync();
      case 'flush': return;
      case 'copyData':
      case 'copyDone':
      case 'copyFail':
        return; // outside COPY FROM STDIN PostgreSQL ignores these
      case 'password':
        throw new SqlError('08P01', 'unexpected password message');
    }
    try {
      switch (message.kind) {
        case 'parse': return await this.parse(message.name, message.sql, message.paramTypes);
        case 'bind': return this.bind(message);
        case 'describe': return this.describe(message.target, message.name);
        case 'execute': return await this.execute(message.portal, message.maxRows);
        case 'close': return this.closeTarget(message.target, message.name);
      }
    } catch (err) {
      this.extendedError(err);
    }
  }

  // ── simple query ──

  private async simpleQuery(sql: string): Promise<void> {
    const session = this.sessionOrFail;
    const pieces = await splitStatements(sql);
    if (pieces.length === 0) this.send(encodeEmptyQueryResponse());
    for (const piece of pieces) {
      try {
        const before = session.settings.reportedSnapshot();
        const result = await this.start(piece.sql, {});
        const formats = result.binary === true ? [1] : [];
        if (result.copy === undefined && (result.schema.fields.length > 0 || result.commandTag === 'SELECT' || result.commandTag === 'FETCH')) this.send(encodeSchema(result.schema, formats));
        await this.stream(result, formats, 0, undefined);
        this.reportChanges(before);
      } catch (err) {
        this.sendError(shift(err, piece.charOffset));
        break;
      } finally {
        this.disarmTimeout?.();
        this.running = undefined;
      }
    }
    this.readyForQuery(session.transactionStatus);
  }

  /** Starts one statement with a fresh cancel switch. */
  private async start(sql: string, options: { params?: readonly ParamValue[]; paramTypes?: readonly number[] }): Promise<QueryResult> {
    this.running = new AbortController();
    this.armStatementTimeout(this.running);
    const result = await this.sessionOrFail.execute(sql, { ...options, signal: this.running.signal });
    for (const n of result.notices ?? []) this.send(encodeNoticeResponse(n));
    for (const w of result.warnings ?? []) this.send(encodeNoticeResponse(w, '25P01', 'WARNING'));
    return result;
  }

  /**
   * Sends a started result: COPY sub-protocols, or DataRows (up to `maxRows` when > 0, keeping
   * the iterator in `portal` to resume) and CommandComplete. Returns whether it suspended.
   */
  private async stream(result: QueryResult, formats: readonly number[], maxRows: number, portal: Portal | undefined): Promise<boolean> {
    if (result.copy?.direction === 'out') {
      await this.copyOut(result, result.copy.options);
      return false;
    }
    if (result.copy?.direction === 'in') {
      await this.copyIn(result);
      return false;
    }
    const iterator = portal?.iterator ?? result.batches[Symbol.asyncIterator]();
    if (portal !== undefined) portal.iterator = iterator;
    // Like PostgreSQL, CommandComplete counts the rows of this Execute only, and a portal whose
    // limit is reached is suspended without peeking whether rows remain.
    let rows = 0;
    let budget = maxRows > 0 ? maxRows : Infinity;
    const zone = result.timeZone ?? this.sessionOrFail.timeZone;
    try {
      for (;;) {
        if (budget === 0 && portal !== undefined) {
          portal.rows += rows;
          this.send(encodePortalSuspended());
          return true;
        }
        let batch: arrow.RecordBatch;
        let from = 0;
        if (portal?.pending !== undefined) {
          ({ batch, from } = portal.pending);
          portal.pending = undefined;
        } else {
          const next = await iterator.next();
          if (next.done === true) break;
          batch = next.value;
        }
        const take = Math.min(batch.numRows - from, budget);
        for (let r = from; r < from + take; r += ROWS_PER_WRITE) {
          this.send(encodeRows(batch, formats, r, Math.min(from + take, r + ROWS_PER_WRITE), zone));
          await this.drained();
          if (this.closed) throw new SqlError('57014', 'canceling statement: the client closed the connection');
        }
        rows += take;
        budget -= take;
        if (from + take < batch.numRows && portal !== undefined) portal.pending = { batch, from: from + take };
      }
    } catch (err) {
      await iterator.return?.();
      throw err;
    }
    if (portal !== undefined) {
      portal.rows += rows;
      portal.done = true;
    }
    this.send(encodeCommandComplete(completionTag(result.commandTag, rows)));
    return false;
  }

  /** COPY … TO STDOUT: CopyOutResponse, the rows as CopyData (with backpressure), CopyDone, `COPY n`. */
  private async copyOut(result: QueryResult, options: CopyOptions): Promise<void> {
    this.send(encodeCopyResponse('out', 0, result.schema.fields.length));
    if (options.header) this.send(encodeCopyData(Buffer.from(copyHeader(result.schema, options))));
    const zone = result.timeZone ?? this.sessionOrFail.timeZone;
    let rows = 0;
    for await (const batch of result.batches) {
      for (let r = 0; r < batch.numRows; r += ROWS_PER_WRITE) {
        this.send(encodeCopyData(Buffer.from(copyRows(batch.slice(r, Math.min(batch.numRows, r + ROWS_PER_WRITE)), options, zone))));
        await this.drained();
        if (this.closed) throw new SqlError('57014', 'canceling statement: the client closed the connection');
      }
      rows += batch.numRows;
    }
    this.send(encodeCopyDone());
    this.send(encodeCommandComplete(`COPY ${rows}`));
  }

  /**
   * COPY … FROM STDIN: CopyInResponse, then the client's CopyData parsed as it arrives into
   * batches that stream into the write path (memory stays one batch, whatever the load's
   * size), committed once at CopyDone. CopyFail, a bad row or a disconnect fails the statement
   * before its commit: the files written so far stay unreferenced. After an error, the
   * client's remaining CopyData / CopyDone / CopyFail are dropped by `handle`, as PostgreSQL does.
   */
  private async copyIn(result: QueryResult): Promise<void> {
    const copy = result.copy;
    if (copy?.direction !== 'in') return;
    this.send(encodeCopyResponse('in', 0, result.schema.fields.length));
    const batches = copyBatches(this.copyData(), result.schema, copy.options);
    const rows = await this.sessionOrFail.copyIn(copy.table, copy.columns, batches);
    this.send(encodeCommandComplete(`COPY ${rows}`));
  }

  /** The CopyData chunks of a COPY FROM STDIN, until CopyDone; CopyFail and a disconnect throw. */
  private async *copyData(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const frame = await this.next();
      if (frame === undefined) throw new SqlError('08006', 'the client closed the connection during COPY');
      const m = parseFrontend(frame);
      if (m.kind === 'copyData') yield m.data;
      else if (m.kind === 'copyDone') return;
      else if (m.kind === 'copyFail') throw new SqlError('57014', `COPY from stdin failed: ${m.message}`);
      else if (m.kind === 'flush' || m.kind === 'sync') continue; // PostgreSQL ignores these during COPY
      else throw new SqlError('08P01', `unexpected message type "${m.kind}" during COPY from stdin`);
      const signal = this.running?.signal;
      if (signal?.aborted === true) throw signal.reason instanceof SqlError ? signal.reason : new SqlError('57014', 'canceling statement due to user request');
    }
  }

  /** `SET statement_timeout`: the statement is cancelled with PostgreSQL's message once it runs that long. */
  private armStatementTimeout(controller: AbortController): void {
    const ms = durationMs(this.sessionOrFail.settings.values.get('statement_timeout') ?? '0');
    if (ms <= 0) return;
    const timer = setTimeout(() => controller.abort(new SqlError('57014', 'canceling statement due to statement timeout')), ms);
    timer.unref();
    this.disarmTimeout = (): void => clearTimeout(timer);
  }

  private disarmTimeout: (() => void) | undefined;

  private reportChanges(before: ReadonlyMap<string, string>): void {
    for (const [name, value] of this.sessionOrFail.settings.reportedSnapshot()) {
      if (before.get(name) !== value) this.send(encodeParameterStatus(name, value));
    }
  }

  private sendError(err: unknown): void {
    const e = SqlError.from(err);
    if (e.sqlstate === 'XX000') this.context.log('internal error', err);
    this.sessionOrFail.statementFailed();
    this.send(encodeErrorResponse(e));
  }

  // ── extended query ──

  private extendedError(err: unknown): void {
    this.running = undefined;
    this.sendError(err);
    this.skipToSync = true;
  }

  private sync(): void {
    this.skipToSync = false;
    const session = this.sessionOrFail;
    // The implicit transaction ends: its portals go (named ones too, outside a block).
    if (session.transactionStatus === 'I') this.dropPortals();
    else this.dropPortal('');
    this.readyForQuery(session.transactionStatus);
  }

  private dropPortal(name: string): void {
    const p = this.portals.get(name);
    if (p === undefined) return;
    void p.iterator?.return?.();
    this.portals.delete(name);
  }

  private dropPortals(): void {
    for (const name of [...this.portals.keys()]) this.dropPortal(name);
  }

  private statement(name: string): PreparedStatement {
    const s = name === '' ? this.unnamed : this.sessionOrFail.prepared.get(name);
    if (s === undefined) throw new SqlError('26000', name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`);
    return s;
  }

  private async parse(name: string, sql: string, paramTypes: readonly number[]): Promise<void> {
    const session = this.sessionOrFail;
    if (name !== '' && session.prepared.has(name)) throw new SqlError('42P05', `prepared statement "${name}" already exists`);
    const pieces = await splitStatements(sql);
    if (pieces.length > 1) throw new SqlError('42601', 'cannot insert multiple commands into a prepared statement');
    session.transaction.checkAllowed(/^\s*(commit|end|rollback|abort)\b/i.test(sql) ? 'rollback' : undefined);
    const prepared = await session.prepare(sql, paramTypes);
    if (name === '') this.unnamed = prepared;
    else session.prepared.set(name, prepared);
    this.send(encodeParseComplete());
  }

  private bind(m: BindMessage): void {
    const statement = this.statement(m.statement);
    if (m.params.length !== statement.paramTypes.length) {
      throw new SqlError('08P01', `bind message supplies ${m.params.length} parameters, but prepared statement "${m.statement}" requires ${statement.paramTypes.length}`);
    }
    if (m.paramFormats.length > 1 && m.paramFormats.length !== m.params.length) throw new SqlError('08P01', `bind message has ${m.paramFormats.length} parameter formats but ${m.params.length} parameters`);
    const params = m.params.map((p, i): ParamValue => {
      if (p === null) return null;
      return formatOf(m.paramFormats, i) === 1 ? binaryParamToText(statement.paramTypes[i] ?? 0, p) : p.toString('utf8');
    });
    if (m.portal !== '' && this.portals.has(m.portal)) throw new SqlError('42P03', `portal "${m.portal}" already exists`);
    this.dropPortal(m.portal);
    this.portals.set(m.portal, { statement, params, resultFormats: m.resultFormats, rows: 0, done: false });
    this.send(encodeBindComplete());
  }

  private describe(target: 'statement' | 'portal', name: string): void {
    if (target === 'statement') {
      const s = this.statement(name);
      this.send(encodeParameterDescription(s.paramTypes));
      this.send(s.schema.fields.length > 0 || s.commandTag === 'SELECT' ? encodeSchema(s.schema, []) : encodeNoData());
      return;
    }
    const p = this.portals.get(name);
    if (p === undefined) throw new SqlError('34000', `portal "${name}" does not exist`);
    const s = p.statement;
    this.send(s.schema.fields.length > 0 || s.commandTag === 'SELECT' ? encodeSchema(s.schema, p.resultFormats) : encodeNoData());
  }

  private async execute(name: string, maxRows: number): Promise<void> {
    const portal = this.portals.get(name);
    if (portal === undefined) throw new SqlError('34000', `portal "${name}" does not exist`);
    if (portal.statement.commandTag === '' && portal.statement.schema.fields.length === 0 && /^\s*$/.test(portal.statement.sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ''))) {
      this.send(encodeEmptyQueryResponse());
      return;
    }
    if (portal.done) {
      this.send(encodeCommandComplete(completionTag(portal.result?.commandTag ?? 'SELECT', 0)));
      return;
    }
    const session = this.sessionOrFail;
    try {
      const before = session.settings.reportedSnapshot();
      portal.result ??= await this.start(portal.statement.sql, { params: portal.params, paramTypes: portal.statement.declaredTypes });
      this.running ??= new AbortController();
      await this.stream(portal.result, portal.resultFormats, maxRows, portal);
      this.reportChanges(before);
    } finally {
      this.disarmTimeout?.();
      this.running = undefined;
    }
  }

  private closeTarget(target: 'statement' | 'portal', name: string): void {
    if (target === 'statement') {
      if (name === '') this.unnamed = undefined;
      else this.sessionOrFail.prepared.delete(name);
    } else this.dropPortal(name);
    this.send(encodeCloseComplete());
  }
}

/** StartupMessage parameters that are settings: all but user / database / replication, with `options` `-c x=y` pairs expanded. */
function startupSettings(parameters: ReadonlyMap<string, string>): Map<string, string> {
  const settings = new Map<string, string>([['session_authorization', parameters.get('user') ?? '']]);
  for (const [name, value] of parameters) {
    if (name === 'user' || name === 'database' || name === 'replication') continue;
    if (name === 'options') {
      for (const m of value.matchAll(/(?:-c\s*|--)([A-Za-z0-9_.]+)=((?:\\.|[^\s\\])*)/g)) settings.set(m[1]!, m[2]!.replace(/\\(.)/g, '$1'));
      continue;
    }
    settings.set(name, value);
  }
  return settings;
}

/** A duration setting's value in milliseconds (`5000`, `5s`, `250ms`, `1min`, `1h`), as PostgreSQL reads statement_timeout. */
export function durationMs(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?\s*$/i.exec(value);
  if (m === null) return 0;
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'min' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000;
  return Number(m[1]) * factor;
}

/** An error from statement k of a multi-statement string: its position counts from the whole string. */
function shift(err: unknown, offset: number): unknown {
  if (!(err instanceof SqlError) || err.position === undefined || offset === 0) return err;
  return new SqlError(err.sqlstate, err.message, { position: err.position + offset, detail: err.detail, hint: err.hint, cause: err.cause });
}
