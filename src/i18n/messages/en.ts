/**
 * The public pages' words in English. The other languages (es.ts, zh.ts, vi.ts) must have the
 * same keys: the type `Messages` is this object's shape, so a missing phrase is a type error.
 * Alert labels (VERIFIED, OFFICIAL CITY STATEMENT…) live with the message composer
 * (src/services/alerts/compose.ts) so that pages and messages always say the same thing.
 */
export const en = {
  skip: "Skip to content",
  languageLabel: "Language",
  nav: { alerts: "Alerts", subscribe: "Get alerts", manage: "Manage or unsubscribe" },
  localMode:
    "Local mode: no message provider is configured for at least one channel, so messages are kept in a local outbox and nobody receives them.",
  footer: {
    privacy: "We never share who subscribed. Addresses are encrypted, and we keep as little as we can.",
    hotline: (hotline: string) => `To report activity or get help, call ${hotline}.`,
    feeds: "Feeds for other websites and apps:",
  },
  home: {
    title: "Current alerts",
    intro: (program: string) =>
      `${program} sends verified alerts about immigration enforcement activity and official city statements, by ZIP code.`,
    filterLabel: "Your ZIP code",
    filterHint: "5 digits, like 94607",
    filterButton: "Show alerts",
    showingFor: (zip: string) => `Alerts for ZIP code ${zip}.`,
    showAll: "Show all alerts",
    none: "There are no active alerts right now.",
    noneForZip: (zip: string) => `There are no active alerts for ZIP code ${zip} right now.`,
    badZip: "Enter a 5-digit ZIP code, like 94607.",
  },
  card: {
    published: "Published",
    expires: "Until",
    zips: "ZIP codes",
    manyZips: (n: number) => `${n} ZIP codes`,
    readMore: "Read the full alert",
    follows: "About the earlier alert:",
  },
  byText: {
    title: "Get alerts by text message",
    how: (number: string) => `Text your ZIP code to ${number}.`,
    noNumber: "Text-message sign-up is not set up yet. You can get alerts by email or on this device.",
    localMode:
      "This is a test setup: texts reach no real phone. You can try text sign-up on the phone simulator.",
    localModeLink: "Open the phone simulator",
    example: (zip: string) => `For example: ${zip}`,
    keywords: "Other words you can text:",
    stop: "to stop all alerts",
    list: "to see your ZIP codes",
    help: "for help",
    language: "for alerts in English",
    rates: "Message and data rates may apply.",
  },
  alert: {
    from: "From",
    published: "Published",
    expires: "Until",
    expired: "This alert has expired. It is kept here for reference.",
    areas: "Where",
    zipCodes: "ZIP codes",
    drill: "This is a drill. No action is needed.",
    notInLanguage: "This alert is not available in your language. It is shown in English.",
    otherLanguages: "Also in:",
    updatedBy: "There is newer information about this alert:",
    cancelled: "This alert was withdrawn.",
    cancelledAllClear: "All clear: the activity this alert was about has ended.",
    cancelledFalseAlarm: "This alert was a false alarm and has been withdrawn.",
    follows: "This message is about an earlier alert:",
    whatToDo: "What to do",
    advice: [
      "You have the right to remain silent.",
      "Do not open the door unless agents show a warrant signed by a judge. Ask them to slide it under the door.",
      "Do not run, do not lie, and do not sign anything you do not understand.",
      "If it is safe, write down what you see: the time, the place, how many agents and vehicles.",
    ],
    callHotline: (hotline: string) => `Call ${hotline} to report activity or to get help.`,
    knowYourRights: "Know your rights",
    link: "More information",
    notFound: "There is no such alert. It may have been removed, or the link may be incomplete.",
    notFoundTitle: "Alert not found",
    back: "See all current alerts",
  },
  subscribe: {
    title: "Get alerts",
    intro:
      "Choose your ZIP codes and how you want to hear from us. Your address is encrypted, and we never share who subscribed.",
    zipsLabel: "ZIP codes",
    zipsHint: (max: number) => `Up to ${max}, separated by spaces or commas.`,
    languageLabel: "Language for alerts",
    emailTitle: "By email",
    emailLabel: "Email address",
    emailHint: "We send a confirmation link first. Nothing else is sent until you confirm.",
    emailButton: "Send the confirmation email",
    pushTitle: "On this device",
    pushIntro:
      "Get a notification on this phone or computer when there is an alert for your ZIP codes. Your browser will ask for permission.",
    pushButton: "Turn on notifications",
    pushOffButton: "Turn off notifications on this device",
    pushNoScript: "Notifications on this device need JavaScript. You can use email or text messages instead.",
    pushUnsupported:
      "This browser cannot show notifications from websites. Use email or text messages instead.",
    pushDenied:
      "Notifications are blocked for this site. Allow them in your browser's site settings, then try again.",
    pushWorking: "Asking your browser…",
    pushOn: "Notifications are on for this device.",
    pushOff: "Notifications are off for this device.",
    pushFailed: "Something went wrong. Check the ZIP codes above and try again.",
    pushBrowserFailed:
      "This browser could not set up notifications. Try again later, or use email or text messages.",
    pushTimeout:
      "Your browser did not answer. If it asked whether to allow notifications, answer it and press the button again, or use email or text messages.",
    pushUnavailable: "Notifications are not available on this site yet. Use email or text messages instead.",
    honeypot: "Leave this field empty",
    errors: {
      zipsMissing: "Enter at least one 5-digit ZIP code.",
      zipsMalformed: (bad: string) => `“${bad}” is not a 5-digit ZIP code.`,
      zipsOutside: (zips: string) => `Not in our service area: ${zips}.`,
      zipsTooMany: (max: number) => `Enter at most ${max} ZIP codes.`,
      emailMissing: "Enter your email address.",
      emailInvalid: "Enter an email address like name@example.org.",
      rateLimited: "Too many requests from your connection. Wait a minute and try again.",
      summary: "Please correct the fields marked below.",
    },
    sentTitle: "Check your email",
    sent: (email: string, hours: number) =>
      `We sent a confirmation link to ${email}. Open it within ${hours} hours to start getting alerts. If it does not arrive, check your spam folder, or try again in 10 minutes.`,
  },
  manage: {
    yoursTitle: "Your email alerts",
    yoursIntro:
      "You came here from the link in one of our emails. Change your ZIP codes or language, or unsubscribe.",
    save: "Save changes",
    saved: (zips: string) => `Saved. You will get alerts for ${zips}.`,
    unsubscribe: "Unsubscribe from email alerts",
    invalidLink: "This link is not valid. Open the link at the end of one of our alert emails again.",
    stopped: "This address is unsubscribed. Sign up again to get alerts.",
    title: "Manage or unsubscribe",
    textTitle: "Text messages",
    text: "Text one of these words to the number you subscribed with:",
    remove: "to stop alerts for one ZIP code, like REMOVE 94607",
    emailTitle: "Email",
    email:
      "Every alert email ends with an “Unsubscribe” link. Open it to stop email alerts. To change your ZIP codes, unsubscribe and sign up again.",
    pushTitle: "Notifications on this device",
    push: "To change the ZIP codes for this device, sign up again on the “Get alerts” page. To stop, turn notifications off here:",
  },
} as const;

type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => string
    ? (...args: A) => string
    : T extends readonly string[]
      ? readonly string[]
      : { [K in keyof T]: Widen<T[K]> };

export type Messages = Widen<typeof en>;
