import {
  DescribeImageScanFindingsCommand,
  type ECRClient,
  type EnhancedImageScanFinding,
  type ImageScanFinding,
  waitUntilImageScanComplete,
} from '@aws-sdk/client-ecr';

export interface EcrScanFindings {
  /** Basic scanning's findings. */
  findings: ImageScanFinding[];
  /** Enhanced scanning's (Amazon Inspector) findings. */
  enhancedFindings: EnhancedImageScanFinding[];
}

export interface ScanWait {
  maxWaitSeconds: number;
  /** The waiter's first delay; the SDK's default is 5 s. */
  minDelaySeconds?: number;
}

/**
 * Waits for ECR's own scan of an image (scan on push) to finish and returns all of its findings, every
 * page. A scan that fails or does not finish in time is an error that says which.
 */
export async function readEcrScanFindings(
  client: ECRClient,
  repository: string,
  digest: string,
  wait: ScanWait,
): Promise<EcrScanFindings> {
  const input = { repositoryName: repository, imageId: { imageDigest: digest } };
  try {
    await waitUntilImageScanComplete(
      {
        client,
        maxWaitTime: wait.maxWaitSeconds,
        ...(wait.minDelaySeconds && { minDelay: wait.minDelaySeconds }),
      },
      input,
    );
  } catch (error) {
    const reason =
      (error as { state?: string; reason?: { imageScanStatus?: { description?: string } } }) ?? {};
    const detail = reason.reason?.imageScanStatus?.description;
    throw new Error(
      `ECR's scan of ${repository}@${digest} did not complete (${reason.state ?? (error as Error).message})${detail ? `: ${detail}` : ''}`,
    );
  }
  const result: EcrScanFindings = { findings: [], enhancedFindings: [] };
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeImageScanFindingsCommand({ ...input, nextToken, maxResults: 1000 }),
    );
    result.findings.push(...(page.imageScanFindings?.findings ?? []));
    result.enhancedFindings.push(...(page.imageScanFindings?.enhancedFindings ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return result;
}
