export { buildHttpApp, type HttpAppOptions } from './app.js';
export { startHttpServer, type HttpServerOptions, type RunningHttpServer } from './server.js';
