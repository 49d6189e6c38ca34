// The `zipcodes` package's raw US table (the package's index also loads Canada, which we don't need).
declare module "zipcodes/lib/codes.js" {
  export const codes: Record<
    string,
    { zip: string; latitude: number; longitude: number; city: string; state: string; country: string }
  >;
}
