/**
 * The hello handshake's rules (protocol.ts): a connection's first request is `hello` with this
 * daemon's PROTOCOL_VERSION; anything else before it is refused, and a hello of another version
 * ends the connection (a client and daemon of different versions cannot talk).
 */
import { PROTOCOL_VERSION, type ControlErrorBody } from './protocol.js';

/** Why a hello is refused; `close`: the connection ends after the reply. */
export interface HelloRefusal {
  readonly body: ControlErrorBody;
  readonly close: boolean;
}

/** The refusal of a hello's params, or null when they speak this daemon's version. */
export function refuseHello(params: unknown): HelloRefusal | null {
  const version =
    typeof params === 'object' && params !== null ? (params as Record<string, unknown>)['version'] : undefined;
  if (typeof version !== 'number') {
    return {
      body: {
        code: 'BAD_REQUEST',
        message: `hello: param "version" must be a number (this daemon speaks ${PROTOCOL_VERSION})`,
      },
      close: false,
    };
  }
  if (version !== PROTOCOL_VERSION) {
    return {
      body: {
        code: 'PROTOCOL_VERSION',
        message:
          `protocol version ${version} is not supported: this daemon speaks version ${PROTOCOL_VERSION}; ` +
          `use a taskkit of the same version as the daemon`,
      },
      close: true,
    };
  }
  return null;
}

/** The reply to a request before the hello. */
export const HELLO_FIRST: ControlErrorBody = Object.freeze({
  code: 'PROTOCOL_BAD_FRAME',
  message: `say hello first: {"id":1,"method":"hello","params":{"version":${PROTOCOL_VERSION},"client":"..."}}`,
});
