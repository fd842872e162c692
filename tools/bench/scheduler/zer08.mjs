// ZER08 contenders: placeholders until the scheduler module lands; they fail loudly rather
// than report a figure that was not measured.
export async function zer08Burst() {
  throw new Error('ZER08 scheduler runner not wired yet');
}

export async function zer08Steady() {
  throw new Error('ZER08 scheduler runner not wired yet');
}
