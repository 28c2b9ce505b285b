// The MPD protocol frontend (L4): `startMpdFrontend(core, { host, port, password })`.
export { startMpdFrontend, isLoopback, type MpdFrontend, type MpdFrontendOptions, type MpdCore } from './server.ts';
export { PROTOCOL_VERSION } from './connection.ts';
