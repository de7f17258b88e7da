/**
 * How far AWS's clock is from this computer's. AWS refuses a request signed
 * more than CLOCK_TOLERANCE_MS from its own time. The SDK reads AWS's time
 * from every answer's Date and signs with the difference (so after a refused
 * request its retry passes), but it keeps it in that one client. The run's
 * clients share it here, so that only the first ones pay a refused request,
 * and the run can say that this computer's clock is wrong.
 */
export class ClockOffset {
  /** AWS's time minus this computer's, in ms, as the last answer's Date said (0 before any). */
  ms = 0;
}

/** "A request must reach AWS within five minutes of the time stamp in the request" (IAM user guide, SigV4). */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

/** What to do about it, wherever it is said. */
export const SET_THE_CLOCK =
  "set this computer's date, time and time zone right (Windows: Settings > Time & language > Date & time)";

/** The offset every client of this process shares. */
export const processClockOffset = new ClockOffset();
