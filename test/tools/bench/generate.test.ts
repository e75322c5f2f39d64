import { cidrsOverlap, environmentInputs, environments, parseCidr, parseEnvironments, type Ipv4Cidr } from '../../../environments';
import { generatedName, generateEnvironmentInputs, generateEnvironments, MAX_GENERATED_ENVIRONMENTS } from '../../../tools/bench/generate';

describe('generated environments', () => {
  test('names are unique, gen00, gen01, ...; templates go round-robin dev, staging, prod', () => {
    const inputs = generateEnvironmentInputs(30);
    const names = Object.keys(inputs);
    expect(names).toHaveLength(30);
    expect(new Set(names).size).toBe(30);
    expect(names.slice(0, 3)).toEqual(['gen00', 'gen01', 'gen02']);
    expect(generatedName(7)).toBe('gen07');
    expect(Object.values(inputs).map((e) => e.tier).slice(0, 4)).toEqual(['development', 'staging', 'production', 'development']);
    for (const [key, input] of Object.entries(inputs)) expect(input.name).toBe(key);
  });

  test('CIDRs are 10.<40+i>.0.0/16 and overlap neither each other nor the real environments', () => {
    const inputs = Object.values(generateEnvironmentInputs(30));
    expect(inputs.map((e) => e.network.cidr).slice(0, 2)).toEqual(['10.40.0.0/16', '10.41.0.0/16']);
    const all = [...inputs.map((e) => e.network.cidr), ...Object.values(environments).map((e) => e.network.cidr)].map((c) => parseCidr(c) as Ipv4Cidr);
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(cidrsOverlap(all[i], all[j])).toBe(false);
  });

  test('every generated set is valid by parseEnvironments, together with the real ones too', () => {
    for (const n of [1, 3, 10, 30]) expect(generateEnvironments(n)).toHaveLength(n);
    expect(Object.keys(parseEnvironments({ ...environmentInputs, ...generateEnvironmentInputs(10) }))).toHaveLength(13);
  });

  test('cloning leaves the real inputs untouched', () => {
    const before = JSON.stringify(environmentInputs);
    const generated = generateEnvironmentInputs(3);
    generated.gen00.cluster.nodeGroups.general.desiredSize = 99;
    expect(JSON.stringify(environmentInputs)).toBe(before);
  });

  test('fails on a count that is not a positive integer or does not fit the address plan', () => {
    expect(() => generateEnvironmentInputs(0)).toThrow(/positive integer/);
    expect(() => generateEnvironmentInputs(MAX_GENERATED_ENVIRONMENTS + 1)).toThrow(/at most 216/);
  });
});
