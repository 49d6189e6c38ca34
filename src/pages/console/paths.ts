/** Console paths more than one module links to. */
export const SECOND_FACTOR_PATH = "/console/account/second-factor";
