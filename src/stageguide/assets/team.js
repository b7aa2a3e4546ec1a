// stageguide team report: placeholder until the team view lands (see templates/team.html).
(() => {
  "use strict";
})();
