/** A CDK stack file (TypeScript or JavaScript source) rather than a template: no module here may load the CDK reader. */
export function isStackFile(path: string): boolean {
  return /\.[cm]?[jt]sx?$/i.test(path) && !/\.d\.[cm]?ts$/i.test(path);
}
