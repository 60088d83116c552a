/** The edit cannot be injected exactly after all; the flow runs the real build instead. */
export class InjectionRefused extends Error {}
