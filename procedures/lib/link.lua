-- Shared steps of the procedures that certify an installed link with its transceivers (issue 19): one
-- module on the breakout harness's MPO end (end A), one on each leg of end B, every module's memory read
-- through the station's I2C role (procedures/lua_link.c, lua_module.c). A link procedure names its design
-- (the transceiver types near and far) and gets the four steps:
--   modules        identity and monitors of every module against its own alarm thresholds, on the lanes the
--                  harness gives it (ctx:link_ends: end A all of the link's, a LC leg's module one);
--   parts          each module against the link's design (--option near=, far=: transceiver types of
--                  fixtures/cables/) and each leg's module against end A's through the harness
--                  (lc_compat_check: fiber mode, lanes, breakout, APC MPO);
--   lane-map       which leg each of end A's lanes reaches, and back, by switching one transmitter off at a
--                  time (CMIS page 10h byte 130 / SFF-8636 byte 86; --option settle_ms=, default 500 ms);
--   loss-from-dom  end A's lane Tx minus the leg's Rx (and back) against the harness path's length-based
--                  budget at 1310 nm, the monitors' accuracy as the uncertainty (inconclusive where the
--                  monitors cannot decide; --option dom_accuracy_db= for calibrated modules).
-- BER per lane through the modules, by their own PRBS generators and checkers, is link.ber_step() below.
local M = {}

local function num(ctx, key, dflt)
  local v = ctx:option(key)
  if v == nil then return dflt end
  return tonumber(v) or error("option " .. key .. ": '" .. v .. "' is not a number", 3)
end

-- every module with the lanes the harness gives it (end A: all of the link's; a LC leg's: one; an MPO-12 leg
-- of a 2 x DR4 harness: four)
local function every_end(ctx)
  for _, e in ipairs(ctx:link_ends {}) do
    ctx:module { ["end"] = e["end"], lanes = e.lanes }
  end
end

-- The step list of a link procedure; `design` = { near = "xcvr-...", far = "xcvr-..." } (the defaults of
-- the options near= and far=). A procedure may add steps after these (a later BER step, say).
function M.steps(design)
  return {
    { name = "modules", main = every_end },
    {
      name = "parts",
      main = function(ctx)
        ctx:link_parts { near = ctx:option("near", design.near), far = ctx:option("far", design.far) }
      end,
    },
    { name = "lane-map", main = function(ctx) ctx:tx_disable_map { settle_ms = num(ctx, "settle_ms", 500) } end },
    { name = "loss-from-dom", main = function(ctx) ctx:dom_loss { wavelength = 1310 } end },
  }
end

-- BER per lane in both directions through the modules, by their own PRBS generators and checkers (CMIS
-- pages 13h/14h, procedures/lua_module_ber.c): end A's media-side generator on every lane, each leg's
-- media-side checker, then each leg's generator and end A's checkers. A module without a generator or
-- checker for the pattern leaves its lanes not measured (inconclusive). Options: target (default 2.4e-4,
-- pre-FEC KP4 as the BER steps), cl (0.95), pattern (PRBS31Q), bit_rate (106.25e9: one 100G PAM4 media lane),
-- prbs_soak (seconds each direction is soaked, default 10), prbs_settle_ms (wait after the results selector,
-- default 200: FBOSS waits 10 ms in one revision and defines 200 ms in another, UNCONFIRMED).
-- opts.lanes_per_leg: a leg's module lanes (default 1: a DR1; 4 for a DR4 leg of an 800G 2 x DR4 link),
-- end A's lanes n*lanes_per_leg+1.. feeding leg n+1 as the harnesses route them.
function M.ber_step(opts)
  opts = opts or {}
  local bert = require("bert")
  return {
    name = "ber-through-modules",
    main = function(ctx)
      local s = bert.settings(ctx, { bit_rate = 106.25e9, pattern = "PRBS31Q", target = 2.4e-4 })
      ctx:module_ber {
        target = s.target, cl = s.cl, pattern = s.pattern, bit_rate = s.bit_rate,
        soak = num(ctx, "prbs_soak", 10), settle_ms = num(ctx, "prbs_settle_ms", 200),
        lanes_per_leg = opts.lanes_per_leg or 1,
      }
    end,
  }
end

return M
