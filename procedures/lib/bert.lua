-- Shared BER steps: the lane map and the sequential BER test, with their settings from the run's options.
local M = {}

local function num(ctx, key, dflt)
  local v = ctx:option(key)
  if v == nil then return dflt end
  return tonumber(v) or error("option " .. key .. ": '" .. v .. "' is not a number", 3)
end

-- Long enough for a clean lane to prove the target: -ln(1 - CL) / target bits (no error seen), plus 20 %
-- for gating; never less than a minute.
local function time_to_prove(target, cl, bit_rate)
  return math.max(60, 1.2 * -math.log(1 - cl) / target / bit_rate)
end

function M.settings(ctx, defaults)
  defaults = defaults or {}
  local s = {
    bit_rate = num(ctx, "bit_rate", defaults.bit_rate or 53.125e9),
    -- PRBS31 by default: both BERT families' documented command sets cover it; PAM4 patterns (PRBS31Q,
    -- SSPRQ) on request (--option pattern=PRBS31Q) where the BERT's PAM4 syntax is documented.
    pattern = ctx:option("pattern", defaults.pattern or "PRBS31"),
    target = num(ctx, "target", defaults.target or 2.4e-4),
    cl = num(ctx, "cl", 0.95),
  }
  s.max_time = num(ctx, "max_time", time_to_prove(s.target, s.cl, s.bit_rate))
  -- The module ends sampled through the soak (temperature, Tx power), every monitor_every s of instrument
  -- time: a module that heats only under traffic reads cool before and after.
  s.monitor = defaults.monitor
  s.monitor_every = num(ctx, "monitor_every", 10)
  -- Wall-time pacing (ms): how often the counters are read, how long the EDs get to synchronize in each
  -- lane-map round. The defaults suit real instruments; a compressed simulator needs far less.
  s.poll_ms = num(ctx, "poll_ms", 0)
  return s
end

function M.lane_map(ctx, defaults)
  ctx:lane_map { bit_rate = M.settings(ctx, defaults).bit_rate, settle_ms = num(ctx, "settle_ms", 500) }
end

function M.ber(ctx, defaults)
  ctx:ber(M.settings(ctx, defaults))
end

-- BER through the modules by their own PRBS generators and checkers, when asked (--option module_ber=1),
-- recorded in the calling step after the BERT's lanes: end A's media-side generator on every lane, each
-- leg's media-side checker (lanes_per_leg of them), then back (procedures/lua_module_ber.c; options
-- prbs_soak, prbs_settle_ms, target, cl as link.ber_step). Off by default: the QSFP28 legs of an AOC
-- breakout are SFF-8636 modules without CMIS diagnostics pages, where it could only record "not measured";
-- a site whose modules have the pages turns it on.
function M.module_ber(ctx, lanes_per_leg, defaults)
  if ctx:option("module_ber", "0") ~= "1" then return end
  local s = M.settings(ctx, { bit_rate = defaults.bit_rate, pattern = "PRBS31Q", target = defaults.target })
  ctx:module_ber {
    target = s.target, cl = s.cl, pattern = s.pattern, bit_rate = s.bit_rate, lanes_per_leg = lanes_per_leg,
    soak = num(ctx, "prbs_soak", 10), settle_ms = num(ctx, "prbs_settle_ms", 200),
  }
end

return M
