import { EKS_END_OF_STANDARD_SUPPORT, PRICE_SOURCES, PRICES, PRICES_AS_OF, pricesFor } from '../../../tools/cost/prices';

describe('price table', () => {
  test('is dated and names its sources', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const url of Object.values(PRICE_SOURCES)) expect(url).toMatch(/^https:\/\/[a-z0-9.-]*amazon(aws)?\.com\//);
  });

  test('covers the regions the platform uses', () => {
    expect(Object.keys(PRICES)).toEqual(expect.arrayContaining(['eu-west-1', 'us-east-1']));
    expect(pricesFor('ap-east-2')).toMatch(/no price table for region "ap-east-2"/);
  });

  test('has the instance types and classes the environments use', () => {
    for (const type of ['t4g.nano', 'm7g.large', 'm7g.xlarge', 'm7g.2xlarge', 'c7g.2xlarge', 'c7g.4xlarge']) expect(PRICES['eu-west-1'].ec2Hourly[type]).toBeGreaterThan(0);
    for (const cls of ['db.t4g.medium', 'db.r7g.large', 'db.r7g.xlarge']) expect(PRICES['eu-west-1'].rdsPostgres[cls].hourly).toBeGreaterThan(0);
  });

  test('every price is a positive finite number; bigger sizes cost more', () => {
    for (const [region, table] of Object.entries(PRICES)) {
      const walk = (value: unknown, at: string): void => {
        if (typeof value === 'number') {
          if (!(Number.isFinite(value) && value > 0)) throw new Error(`${region}${at} = ${value}`);
        } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`);
      };
      walk(table, '');
      expect(table.ec2Hourly['m7g.xlarge']).toBeCloseTo(2 * table.ec2Hourly['m7g.large'], 3);
      expect(table.eksClusterHourly.extended).toBeCloseTo(6 * table.eksClusterHourly.standard, 9);
    }
  });

  test('the EKS calendar is ordered by version', () => {
    const dates = Object.values(EKS_END_OF_STANDARD_SUPPORT);
    expect([...dates].sort()).toEqual(dates);
  });
});
