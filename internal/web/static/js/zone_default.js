// zone_default: a time zone picker with data-browser-zone starts at this
// browser's zone; the person can change it. Browsers may report an older
// name of a zone (Chrome says Asia/Calcutta): a known one becomes today's
// name, and another is added to the picker as it is, since the server
// knows the older names too. Without JavaScript the server's default
// stays.
const renamed = {
  "Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon", "Asia/Dacca": "Asia/Dhaka", "Asia/Thimbu": "Asia/Thimphu",
  "Asia/Ulan_Bator": "Asia/Ulaanbaatar", "Europe/Kiev": "Europe/Kyiv", "Atlantic/Faeroe": "Atlantic/Faroe",
  "America/Godthab": "America/Nuuk", "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Indianapolis": "America/Indiana/Indianapolis", "America/Louisville": "America/Kentucky/Louisville",
  "Pacific/Truk": "Pacific/Chuuk", "Pacific/Ponape": "Pacific/Pohnpei", "Etc/UTC": "UTC", "Etc/GMT": "UTC",
};
const reported = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
const zone = renamed[reported] || reported;
for (const select of document.querySelectorAll("select[data-browser-zone]")) {
  if (!zone) continue;
  if (![...select.options].some((o) => o.value === zone)) {
    const group = document.createElement("optgroup");
    group.label = "This browser";
    group.append(new Option(zone.replaceAll("_", " "), zone));
    select.prepend(group);
  }
  select.value = zone;
}
