/**
 * The simulator's commands, as the CLI loads them on use (bundled as dist/simulate.js):
 * `lambda-lens check` and `rules` never load the simulator.
 */
export { runSimulate } from './cli';
export { runTune } from './tune';
