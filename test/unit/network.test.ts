/**
 * templates/network.ts `reachOf`: the VPC reachability decision LL4003 reports and simulations
 * enforce, on the routes a template can give a subnet.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INTERNET, reachOf } from '../../server/src/service/templates/network';
import { readTemplate } from '../../server/src/service/templates/template';

/** A template with one function in subnet `Net`, whose route table gets `route` (YAML lines under Properties). */
function reach(route: string, service: string, extra = ''): ReturnType<typeof reachOf> {
  const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Net: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 } }
  Table: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  Assoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref Net, RouteTableId: !Ref Table } }
  Igw: { Type: AWS::EC2::InternetGateway }
  Nat: { Type: AWS::EC2::NatGateway, Properties: { SubnetId: !Ref Net } }
  PrivateNat: { Type: AWS::EC2::NatGateway, Properties: { SubnetId: !Ref Net, ConnectivityType: private } }
  Default:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Table
      DestinationCidrBlock: 0.0.0.0/0
${route}
${extra}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.h
      Runtime: nodejs22.x
      VpcConfig: { SubnetIds: [!Ref Net] }
`;
  const doc = readTemplate('file:///t/template.yaml', text);
  const vpc = doc.functions.find((f) => f.logicalId === 'Fn')?.vpc;
  assert.ok(vpc);
  return reachOf(doc, vpc, service);
}

test('a route to a NAT gateway reaches the internet and every service', () => {
  assert.equal(reach('      NatGatewayId: !Ref Nat', INTERNET).kind, 'reachable');
  assert.equal(reach('      NatGatewayId: !Ref Nat', 'sqs').kind, 'reachable');
});

test('a route to an internet gateway or a private NAT gateway reaches nothing', () => {
  const igw = reach('      GatewayId: !Ref Igw', 'sqs');
  assert.equal(igw.kind, 'unreachable');
  assert.match(
    igw.kind === 'unreachable' ? igw.reason : '',
    /^no route from subnet Net to sqs: subnet Net has route table Table/,
  );
  assert.equal(reach('      NatGatewayId: !Ref PrivateNat', INTERNET).kind, 'unreachable');
});

test('routes the template does not describe are unknown, never unreachable', () => {
  assert.equal(reach('      TransitGatewayId: tgw-0123', 'sqs').kind, 'unknown');
  assert.equal(reach('      NatGatewayId: nat-0123', 'sqs').kind, 'unknown');
  assert.equal(reach('      InstanceId: !Ref AWS::NoValue', INTERNET).kind, 'unknown');
});

test('endpoints: an interface endpoint in the VPC reaches its service only; a gateway endpoint needs the route table', () => {
  const iface = `  Ep:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: !Ref Vpc, VpcEndpointType: Interface, ServiceName: !Sub 'com.amazonaws.\${AWS::Region}.sqs' }`;
  assert.equal(reach('      GatewayId: !Ref Igw', 'sqs', iface).kind, 'reachable');
  assert.equal(reach('      GatewayId: !Ref Igw', 'sns', iface).kind, 'unreachable');
  assert.equal(reach('      GatewayId: !Ref Igw', INTERNET, iface).kind, 'unreachable');
  const gateway = (tables: string): string => `  Ep:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: !Ref Vpc, ServiceName: com.amazonaws.us-east-1.s3, RouteTableIds: ${tables} }`;
  assert.equal(reach('      GatewayId: !Ref Igw', 's3', gateway('[!Ref Table]')).kind, 'reachable');
  assert.equal(reach('      GatewayId: !Ref Igw', 's3', gateway('[]')).kind, 'unreachable');
  assert.equal(reach('      GatewayId: !Ref Igw', 's3', gateway('!Ref TablesParam')).kind, 'unknown');
});
