// Public surface of the decode stage.
export { PacketDecoder } from './decoder';
export { ALL_ANOMALIES } from './anomalies';
