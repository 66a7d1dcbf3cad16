import { isKnown, type FunctionModel } from '../model/types';
import type { TemplateRule } from './types';

/**
 * SnapStart (`ApplyOn: PublishedVersions`) on a function that never publishes a version: SAM
 * without AutoPublishAlias, or CloudFormation without an `AWS::Lambda::Version`. SnapStart
 * snapshots published versions only, so every invocation of `$LATEST` still runs INIT.
 */
export const LL2010: TemplateRule = {
  id: 'LL2010',
  title: 'SnapStart without a published version',
  severity: 'warning',
  template({ template }) {
    return template.functions.flatMap((fn) => {
      const snap = fn.snapStart;
      if (!isKnown(snap) || snap.value !== 'PublishedVersions' || publishesVersions(fn)) return [];
      const fix =
        fn.resourceType === 'AWS::Serverless::Function'
          ? 'Add AutoPublishAlias (e.g. `live`) and invoke that alias'
          : 'Add an AWS::Lambda::Version (and an AWS::Lambda::Alias pointing at it) and invoke the version or alias';
      return [
        {
          ruleId: 'LL2010',
          message: `Function ${fn.logicalId} turns SnapStart on but publishes no version: SnapStart resumes published versions from a snapshot, and invocations of $LATEST still run the full INIT. ${fix}.`,
          uri: snap.uri,
          span: snap.span,
        },
      ];
    });
  },
};

function publishesVersions(fn: FunctionModel): boolean {
  return fn.autoPublishAlias !== undefined || fn.versions.length > 0 || fn.aliases.length > 0;
}
