-- MPO-to-LC cassette (breakout module): which LC port each MPO position reaches, the polarity method it
-- implements, and the insertion loss of every fiber at the channel's test wavelengths.
local optical = require("optical")

return {
  name = "mpo-lc-module",
  version = "1",
  summary = "MPO-to-LC cassette: fiber map and polarity method, IL per fiber",
  steps = {
    {
      name = "fiber-map",
      main = function(ctx) ctx:fiber_map { wavelength = optical.wavelengths(ctx)[1] } end,
    },
    {
      name = "insertion-loss",
      main = function(ctx) optical.insertion_loss(ctx, nil, false) end,
    },
  },
}
