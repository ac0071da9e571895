/** The event type pattern of contract §1 (the server refuses any other type). */
export const EVENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;
