-- MPO trunk (Type A, B or C): which far-end position each near-end position reaches, the polarity type
-- that map is, and the insertion loss of every fiber at the channel's test wavelengths.
local optical = require("optical")

return {
  name = "mpo-trunk",
  version = "1",
  summary = "MPO trunk: fiber map and polarity type, IL per fiber",
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
