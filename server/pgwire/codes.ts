/**
 * PostgreSQL protocol 3.0 message codes (the first byte of every message after startup), as
 * pg-protocol names them. `const enum`s inline to plain numbers at compile time.
 */
export const enum FrontendCode {
  bind = 0x42, // B
  close = 0x43, // C
  copyData = 0x64, // d
  copyDone = 0x63, // c
  copyFail = 0x66, // f
  describe = 0x44, // D
  execute = 0x45, // E
  flush = 0x48, // H
  functionCall = 0x46, // F
  parse = 0x50, // P
  password = 0x70, // p (PasswordMessage, SASLInitialResponse, SASLResponse)
  query = 0x51, // Q
  sync = 0x53, // S
  terminate = 0x58, // X
}

export const enum BackendCode {
  authentication = 0x52, // R
  backendKeyData = 0x4b, // K
  bindComplete = 0x32, // 2
  closeComplete = 0x33, // 3
  commandComplete = 0x43, // C
  copyData = 0x64, // d
  copyDone = 0x63, // c
  copyInResponse = 0x47, // G
  copyOutResponse = 0x48, // H
  dataRow = 0x44, // D
  emptyQueryResponse = 0x49, // I
  errorResponse = 0x45, // E
  noData = 0x6e, // n
  noticeResponse = 0x4e, // N
  parameterDescription = 0x74, // t
  parameterStatus = 0x53, // S
  parseComplete = 0x31, // 1
  portalSuspended = 0x73, // s
  readyForQuery = 0x5a, // Z
  rowDescription = 0x54, // T
}

/** Request codes of the untagged pre-startup messages (the int32 after the length). */
export const enum StartupCode {
  protocol3 = 196608, // 3.0
  sslRequest = 80877103,
  gssEncRequest = 80877104,
  cancelRequest = 80877102,
}
