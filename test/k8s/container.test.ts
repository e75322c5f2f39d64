import { Size } from 'cdk8s';
import { imageProblem, imageUri, parseCpu, parseMemory, resourcesFromQuantities } from '../../k8s';

describe('images', () => {
  test.each([
    'repo:1.2.3',
    'registry.example.com:5000/team/repo:v2',
    `123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:${'c'.repeat(64)}`,
    'repo:3f2a9c1',
  ])('accepts %s', (image) => expect(imageProblem(image)).toBeUndefined());

  test.each([
    ['', /is empty/],
    ['repo', /has no tag/],
    ['registry.example.com:5000/repo', /has no tag/],
    ['repo:', /has an empty tag/],
    ['repo:latest', /mutable tag "latest"/],
    ['repo:LATEST', /mutable tag "LATEST"/],
    ['repo:main', /mutable tag "main"/],
    ['repo@sha256:123', /malformed digest/],
  ])('rejects "%s"', (image, message) => expect(imageProblem(image)).toMatch(message));

  test('imageUri joins a repository with a tag or a digest, never both', () => {
    expect(imageUri({ repositoryUrl: 'r/x', tag: '1.0' })).toBe('r/x:1.0');
    expect(imageUri({ repositoryUrl: 'r/x', digest: `sha256:${'d'.repeat(64)}` })).toBe(`r/x@sha256:${'d'.repeat(64)}`);
    expect(() => imageUri({ repositoryUrl: 'r/x', tag: '1', digest: 'sha256:x' })).toThrow(/not both/);
  });
});

describe('resources', () => {
  test('parses the quantities environments hold', () => {
    expect(parseCpu('250m').amount).toBe('250m');
    expect(parseCpu('1').amount).toBe('1');
    expect(parseCpu('0.5').amount).toBe('0.5');
    expect(parseMemory('512Mi').toMebibytes()).toBe(512);
    expect(parseMemory('2Gi').toMebibytes()).toBe(2048);
    expect(() => parseCpu('lots')).toThrow(/"lots" is not a CPU quantity/);
    expect(() => parseMemory('1GB')).toThrow(/"1GB" is not a memory quantity/);
  });

  test('resourcesFromQuantities converts a config block', () => {
    const resources = resourcesFromQuantities({ cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '2Gi' });
    expect(resources.cpu.request.amount).toBe('500m');
    expect(resources.cpu.limit.amount).toBe('2');
    expect(resources.memory.limit.toMebibytes()).toBe(Size.gibibytes(2).toMebibytes());
  });
});
